// polku's search on the index page: steps, roles, pilots, notes and paths, in
// any inflected form. The build wrote the edition's words as Snowball stems
// (search-index.js, see polku/search.py); what is typed here is stemmed with the
// same Snowball algorithms (assets/snowball.js). Both are plain scripts, loaded
// when the search box is first used: no fetch, so it works from file:// too.
(function searchPage(carried) {
  "use strict";
  // `polku serve` updates an open page in place (see polku.js): this script
  // stops listening before, and starts again after, with the query kept and
  // the search data read again (a save may have changed it).
  var listening = typeof AbortController === "function" ? new AbortController() : null;
  var bound = listening ? { signal: listening.signal } : false;
  if (carried === undefined) document.addEventListener("polku:afterupdate", function (event) { searchPage(event.detail.search || null); });

  var box = document.querySelector(".search");
  var input = box && box.querySelector("input");
  document.addEventListener("polku:beforeupdate", function (event) {
    if (listening) listening.abort();
    event.detail.search = { query: input ? input.value : "" };
  }, bound);
  if (!box) return;
  if (carried) window.polkuSearch = undefined;  // read this edition's search-index.js again
  var status = box.querySelector(".search-status");
  var list = box.querySelector(".search-results");
  var groups = Array.prototype.slice.call(document.querySelectorAll(".path-group"));
  var say = function (name) { return box.getAttribute("data-" + name) || ""; };
  var SHOWN = 30;
  // Field bits, in polku/search.py's FIELDS order, and what a hit in each weighs.
  var WEIGHTS = [10, 4, 3, 2, 1];
  var PILOT = 4, NOTE = 8, TITLE = 1;

  var data = null, stemmer = null, termList = null, common = null, decoded = {};
  var loading = false;

  function load() {
    if (loading) return;
    loading = true;
    status.textContent = say("loading");
    var left = 0;
    var sources = [say("index-src")];
    if (!window.snowballFactory) sources.push(say("stemmer-src"));
    sources.forEach(function (src) {
      left += 1;
      var script = document.createElement("script");
      script.src = src;
      // Once run, the element goes: the page's own scripts stay as built (serve compares them).
      script.onload = function () { script.remove(); left -= 1; if (!left) ready(); };
      script.onerror = function () { status.textContent = say("failed"); };
      document.head.appendChild(script);
    });
  }

  function ready() {
    data = window.polkuSearch;
    stemmer = window.snowballFactory.newStemmer(say("algorithm"));
    termList = Object.keys(data.terms);
    common = {};
    data.common.forEach(function (term) { common[term] = true; });
    run();
  }

  function words(text) {
    return text.normalize("NFC").toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
  }

  function stem(word) {
    return /\p{N}/u.test(word) ? word : stemmer.stem(word);
  }

  // A term's postings: [doc, fields, doc, fields, ...] from "<delta base 36><field letter>..."
  function postings(term) {
    if (decoded[term]) return decoded[term];
    var text = data.terms[term], out = [], doc = 0, digits = "";
    for (var i = 0; i < text.length; i += 1) {
      var code = text.charCodeAt(i);
      if (code >= 65 && code <= 96) {
        doc += parseInt(digits, 36);
        out.push(doc, code - 65);
        digits = "";
      } else {
        digits += text[i];
      }
    }
    decoded[term] = out;
    return out;
  }

  // One edit (insert, delete, replace or swap two letters) apart.
  function oneEdit(a, b) {
    if (Math.abs(a.length - b.length) > 1 || a === b) return false;
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
    if (a.length === b.length) {
      return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
    }
    return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  // How well a stored term answers a typed stem: exactly, as the start of a
  // longer word (typing still), inside a compound, or one slip of the keys away.
  function quality(term, typed) {
    if (term === typed) return 1;
    if (term.lastIndexOf(typed, 0) === 0) return 0.7;
    if (typed.length >= 4 && term.indexOf(typed) > 0) return 0.5;
    if (typed.length >= 5 && term.length >= 4 && oneEdit(term, typed)) return 0.4;
    return 0;
  }

  function fieldWeight(mask) {
    var weight = 0;
    for (var bit = 0; bit < WEIGHTS.length; bit += 1) if (mask & (1 << bit)) weight += WEIGHTS[bit];
    return weight;
  }

  function search(query) {
    var typed = words(query).map(stem);
    var wanted = typed.filter(function (t) { return !common[t]; });
    if (!wanted.length) return typed.length ? null : [];
    var total = data.docs.length;
    var scores = null, masks = {};
    wanted.forEach(function (want) {
      var here = {};
      termList.forEach(function (term) {
        var q = quality(term, want);
        if (!q) return;
        var list = postings(term);
        var idf = Math.log(1 + total / (list.length / 2));
        for (var i = 0; i < list.length; i += 2) {
          var score = q * idf * fieldWeight(list[i + 1]);
          if (!(here[list[i]] >= score)) here[list[i]] = score;
          masks[list[i]] = (masks[list[i]] || 0) | list[i + 1];
        }
      });
      if (scores === null) {
        scores = here;
      } else {
        var both = {};
        Object.keys(scores).forEach(function (doc) { if (doc in here) both[doc] = scores[doc] + here[doc]; });
        scores = both;
      }
    });
    // Best first; then paths, steps, roles; then by title, path and step number.
    return Object.keys(scores).map(function (doc) {
      return { doc: data.docs[doc], score: scores[doc], mask: masks[doc] };
    }).sort(function (a, b) {
      return b.score - a.score || a.doc[0] - b.doc[0] || (a.doc[1] < b.doc[1] ? -1 : a.doc[1] > b.doc[1] ? 1 : 0) ||
        a.doc[2] - b.doc[2] || a.doc[4] - b.doc[4];
    });
  }

  function text(tag, className, content) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    el.textContent = content;
    return el;
  }

  var KINDS = ["path", "step", "role"];

  // A doc is [kind, title, path number, anchor, step number, pilot]: see polku/search.py.
  function href(doc) {
    var path = data.paths[doc[2]];
    if (doc[0] === 0) return path[0] + "/index.html";
    if (doc[0] === 1) return path[0] + "/index.html#step-" + doc[3];
    return "roles/index.html#" + doc[3];
  }

  function hitItem(hit) {
    var doc = hit.doc, kind = KINDS[doc[0]];
    var item = document.createElement("li");
    item.className = "search-hit search-hit-" + kind;
    var link = document.createElement("a");
    link.href = href(doc);
    var label = kind === "step" ? say("kind-step") + " " + doc[4] : say("kind-" + kind);
    var where = doc[0] !== 0 && doc[2] >= 0 ? " · " + data.paths[doc[2]][1] : "";
    link.appendChild(text("span", "search-hit-kind", label + where));
    link.appendChild(text("span", "search-hit-title", doc[1]));
    item.appendChild(link);
    if (doc[5]) {
      var tag = text("span", "search-hit-tag search-hit-pilot", "");
      var lamp = document.createElement("img");
      lamp.src = say("lamp-src");
      lamp.alt = "";
      lamp.width = 20;
      lamp.height = 20;
      tag.appendChild(lamp);
      tag.appendChild(document.createTextNode(" " + say("pilot")));
      item.appendChild(tag);
    } else if (hit.mask & NOTE && !(hit.mask & TITLE)) {
      item.appendChild(text("span", "search-hit-tag", say("note")));
    }
    return item;
  }

  function run() {
    var query = input.value.trim();
    list.textContent = "";
    if (!query) {
      list.hidden = true;
      status.textContent = "";
      groups.forEach(function (g) { g.hidden = false; });
      return;
    }
    if (!data) { load(); return; }
    var hits = search(query) || [];
    groups.forEach(function (g) { g.hidden = true; });
    hits.slice(0, SHOWN).forEach(function (hit) { list.appendChild(hitItem(hit)); });
    list.hidden = hits.length === 0;
    var count = (data.count[data.plural(hits.length)] || data.count.other).replace("{count}", hits.length);
    status.textContent = hits.length ? count + (hits.length > SHOWN ? " " + say("shown").replace("{shown}", SHOWN) : "") : say("none");
    list.setAttribute("data-query", input.value);  // what the hits answer (for tests and benchmarks)
  }

  box.hidden = false;
  input.addEventListener("focus", load, bound);
  input.addEventListener("input", run, bound);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var first = list.querySelector("a");
      if (first) { event.preventDefault(); first.click(); }
    } else if (event.key === "Escape" && input.value) {
      input.value = "";
      run();
    }
  }, bound);
  if (carried && carried.query && !input.value) input.value = carried.query;
  if (input.value) run();  // a query kept by the browser on going back, or by serve's update
})();
