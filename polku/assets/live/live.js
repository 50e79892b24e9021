// polku serve: keep this open page up to date while its files are edited.
// Served only by `polku serve`, never part of a built site.
//
// The server numbers its builds. The page knows the build it came from
// (data-build); news of a newer one comes through a SharedWorker that holds
// one event stream for all tabs (or, without SharedWorker, a stream of this
// tab's own), with the files it changed since the news before. A page that
// missed that one asks /_polku/changed instead. If the build changed the
// page, it fetches itself again and morphs its DOM into the new page
// (idiomorph), keeping the scroll position, the focus, what was typed, and
// the walk (polku.js hands it over around the update). A page whose styles
// or scripts changed, or a server started anew, reloads whole instead.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || window.polkuLive) return;  // once per page: an update keeps this script, it does not run it again
  // Counted and timed for the tests and benchmarks/serve.py: when (performance.now())
  // the last update's news came, its page came, and the page was morphed.
  window.polkuLive = { updates: 0, last: null };
  var timing = null;
  var server = me.getAttribute("data-server");
  var known = Number(me.getAttribute("data-build")) || 0;
  var running = false;
  var again = false;

  function heard(news) {
    if (!news || (news.server === server && news.build <= known)) return;
    timing = { heard: performance.now() };
    if (news.server !== server || news.after > known || news.pages === null) { check(); return; }
    // The news covers every build since this page's: decide here, without asking.
    if (news.reload) { location.reload(); return; }
    if (news.pages.indexOf(pageName()) === -1) { known = news.build; return; }
    if (running) { again = true; return; }
    running = true;
    settle(update(news.build));
  }

  // The page's file in the site, as the server names it.
  function pageName() {
    var name = location.pathname.replace(/^\/+/, "");
    try { name = decodeURIComponent(name); } catch (error) { /* as it is */ }
    return name === "" || name.slice(-1) === "/" ? name + "index.html" : name;
  }

  function check() {
    if (running) { again = true; return; }
    running = true;
    settle(fetch("/_polku/changed?page=" + encodeURIComponent(location.pathname) + "&since=" + known, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.server !== server || answer.reload) { location.reload(); return null; }
        if (!answer.changed) { known = Math.max(known, answer.build); return null; }
        return update(answer.build);
      }));
  }

  function settle(promise) {
    promise
      .catch(function () { /* the server is away: its next news asks again */ })
      .then(function () {
        running = false;
        if (again) { again = false; check(); }
      });
  }

  function update(build) {
    if (window.polkuLiveReload) { location.reload(); return Promise.resolve(); }  // benchmarks/serve.py's peer: the old way
    return fetch(location.pathname, { cache: "no-store" }).then(function (response) {
      if (!response.ok) { location.reload(); return null; }
      return response.text().then(function (text) {
        if (timing) timing.fetched = performance.now();
        var fresh = new DOMParser().parseFromString(text, "text/html");
        if (!window.Idiomorph || assets(fresh) !== assets(document)) { location.reload(); return; }
        var script = fresh.querySelector('script[src="/_polku/live.js"]');
        morph(fresh);
        known = Math.max(known, build, script ? Number(script.getAttribute("data-build")) || 0 : 0);
        window.polkuLive.updates += 1;
        if (timing) { timing.morphed = performance.now(); window.polkuLive.last = timing; timing = null; }
      });
    });
  }

  // The styles and scripts a page uses: when they differ, only a reload shows the page right.
  function assets(doc) {
    return Array.prototype.map.call(doc.querySelectorAll('link[rel~="stylesheet"], script[src]'), function (node) {
      return node.getAttribute("href") || node.getAttribute("src");
    }).join(" ");
  }

  function morph(fresh) {
    var carried = {};
    var scrolled = [[null, window.scrollX, window.scrollY]];
    Array.prototype.forEach.call(document.body.querySelectorAll("*"), function (node) {
      if (node.scrollTop || node.scrollLeft) scrolled.push([pathOf(node), node.scrollLeft, node.scrollTop]);
    });
    var active = document.activeElement;
    var focused = active && active !== document.body ? pathOf(active) : null;
    document.dispatchEvent(new CustomEvent("polku:beforeupdate", { detail: carried }));
    if (document.title !== fresh.title) document.title = fresh.title;
    document.documentElement.lang = fresh.documentElement.lang;
    window.Idiomorph.morph(document.body, fresh.body, {
      morphStyle: "innerHTML",
      restoreFocus: true,
      callbacks: {
        // A part that did not change is left alone, without a look at each node in it.
        beforeNodeMorphed: function (node, next) { return !node.isEqualNode(next); },
        // What the reader typed, ticked or chose stays as it was.
        beforeAttributeUpdated: function (name, node) {
          return !(/^(value|checked|selected)$/.test(name) && /^(INPUT|SELECT|OPTION|TEXTAREA)$/.test(node.tagName));
        }
      }
    });
    document.dispatchEvent(new CustomEvent("polku:afterupdate", { detail: carried }));
    scrolled.forEach(function (entry) {
      if (entry[0] === null) { window.scrollTo(entry[1], entry[2]); return; }
      var node = find(entry[0]);
      if (node) { node.scrollLeft = entry[1]; node.scrollTop = entry[2]; }
    });
    if (focused && (!document.activeElement || document.activeElement === document.body || !document.contains(active))) {
      var again = find(focused);
      if (again && typeof again.focus === "function") again.focus({ preventScroll: true });
    }
  }

  // Where an element is: the nearest id above it, then the n-th child of each
  // kind on the way down. The problem list of a broken save is not counted, so
  // that its coming and going moves nothing.
  function pathOf(node) {
    var steps = [];
    while (node && node !== document.body && node.nodeType === 1) {
      if (node.id && node.id !== "polku-problems") return { id: node.id, steps: steps };
      steps.unshift([node.tagName, indexOf(node)]);
      node = node.parentElement;
    }
    return node === document.body ? { id: null, steps: steps } : null;
  }

  function indexOf(node) {
    var index = 0;
    for (var sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
      if (sibling.tagName === node.tagName && sibling.id !== "polku-problems") index += 1;
    }
    return index;
  }

  function find(path) {
    if (!path) return null;
    var node = path.id === null ? document.body : document.getElementById(path.id);
    for (var i = 0; node && i < path.steps.length; i += 1) {
      var tag = path.steps[i][0];
      var wanted = path.steps[i][1];
      var child = node.firstElementChild;
      for (var seen = 0; child; child = child.nextElementSibling) {
        if (child.tagName !== tag || child.id === "polku-problems") continue;
        if (seen === wanted) break;
        seen += 1;
      }
      node = child;
    }
    return node;
  }

  function stream() {
    var source = new EventSource("/_polku/events");
    source.onmessage = function (event) { heard(JSON.parse(event.data)); };
  }

  if (typeof SharedWorker === "function") {
    try {
      var worker = new SharedWorker("/_polku/worker.js", { name: "polku-live" });
      worker.onerror = stream;
      worker.port.onmessage = function (event) { heard(event.data); };
      window.addEventListener("pagehide", function () { worker.port.postMessage("bye"); });
    } catch (error) {
      stream();
    }
  } else {
    stream();
  }
  window.addEventListener("pageshow", function (event) { if (event.persisted) location.reload(); });  // its worker forgot it
})();
