// polku serve: one event stream for every open page of this browser.
// Each tab's live.js connects to this SharedWorker instead of holding a
// connection of its own, so that any number of preview tabs leave the
// browser's six connections to the server free for loading pages.
"use strict";
var ports = [];
var last = null;
var source = new EventSource("/_polku/events");
source.onmessage = function (event) {
  last = JSON.parse(event.data);
  ports.forEach(function (port) { port.postMessage(last); });
};
self.onconnect = function (event) {
  var port = event.ports[0];
  ports.push(port);
  port.onmessage = function (message) {
    if (message.data === "bye") ports = ports.filter(function (other) { return other !== port; });
  };
  if (last) port.postMessage(last);
};
