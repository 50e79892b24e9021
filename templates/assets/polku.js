// The word filter on the index page. Without JavaScript every path is simply listed.
(function () {
  "use strict";
  var box = document.querySelector(".filter");
  if (!box) return;
  var input = box.querySelector("input");
  var none = box.querySelector(".filter-none");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".path-card"));
  box.hidden = false;
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (card) {
      var text = card.getAttribute("data-search");
      var match = words.every(function (w) { return text.indexOf(w) !== -1; });
      card.hidden = !match;
      if (match) shown += 1;
    });
    none.hidden = shown !== 0;
  });
})();
