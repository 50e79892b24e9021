// polku's pages, made interactive. Without JavaScript every page is a complete
// document: all paths, all steps, all text. Nothing here stores anything: the
// walk and "my path" live only in the page's address.
(function page(carried) {
  "use strict";
  // `polku serve` updates an open page in place (its live.js): before it does,
  // this page stops listening and hands over what the address does not hold;
  // after, it starts again on the new content. Built sites never do this.
  var listening = typeof AbortController === "function" ? new AbortController() : null;
  var bound = listening ? { signal: listening.signal } : false;
  if (carried === undefined) document.addEventListener("polku:afterupdate", function (event) { page(event.detail.page || null); });
  document.addEventListener("polku:beforeupdate", function (event) {
    if (listening) listening.abort();
    event.detail.page = handOver();
  }, bound);

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $$(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function words(text) { return (text || "").split(/\s+/).filter(Boolean); }
  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) { return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : m; });
  }

  // ------------------------------------------------------------ the path graph
  // Read from the step sections the build wrote from the model's facts (model.py):
  // data-next (the ways forward), data-loops (back to an earlier step),
  // data-optional, and the link to the path a step continues in (.continues a).
  // Maps and Sets, never plain objects: an id from the address such as
  // "constructor" or "__proto__" must not find anything of Object's.
  var stepNodes = $$("[data-step][data-next]");
  if (!stepNodes.length) return;
  var steps = new Map();
  var order = [];
  stepNodes.forEach(function (node, index) {
    var id = node.getAttribute("data-step");
    order.push(id);
    var group = $('.polku-diagram g.step[data-step="' + id + '"]');
    steps.set(id, {
      id: id,
      index: index,
      node: node,
      item: node.closest("li") || node,
      next: words(node.getAttribute("data-next")),
      loops: words(node.getAttribute("data-loops")),
      optional: node.hasAttribute("data-optional"),
      onward: $(".continues a", node),
      group: group,
      label: ($("h3", node) || node).textContent.replace(/\s+/g, " ").trim(),
      title: node.getAttribute("data-title")
    });
  });
  var first = order[0];

  // ------------------------------------------------------------ my path
  // ?at=<step>&choose=<fork>.<branch>,...&skip=<step>,... : ids are the schema's
  // ($defs.id in schema.json: no ',', '.' or '&'), and only the page's own are taken.
  var mine = readMine(location.search);

  function readMine(search) {
    var params = new URLSearchParams(search);
    var state = { at: null, choose: new Map(), skip: new Set() };
    var at = params.get("at");
    if (at && steps.has(at)) state.at = at;
    words((params.get("choose") || "").replace(/,/g, " ")).forEach(function (pair) {
      var parts = pair.split(".");
      var fork = steps.get(parts[0]);
      if (fork && parts.length === 2 && fork.next.indexOf(parts[1]) !== -1) state.choose.set(parts[0], parts[1]);
    });
    words((params.get("skip") || "").replace(/,/g, " ")).forEach(function (id) {
      if (steps.has(id) && steps.get(id).optional) state.skip.add(id);
    });
    return state;
  }

  function mineQuery(state) {
    var parts = [];
    if (state.at) parts.push("at=" + state.at);
    var chosen = Array.from(state.choose.keys()).sort().map(function (k) { return k + "." + state.choose.get(k); });
    if (chosen.length) parts.push("choose=" + chosen.join(","));
    var skipped = Array.from(state.skip).sort();
    if (skipped.length) parts.push("skip=" + skipped.join(","));
    return parts.length ? "?" + parts.join("&") : "";
  }

  function isPersonal(state) {
    return !!(state.at || state.choose.size || state.skip.size);
  }

  // Where a step leads on this client's path: the chosen branch of a fork,
  // and through a left-out optional step to what follows it.
  function forward(id) {
    var step = steps.get(id);
    var targets = mine.choose.has(id) ? [mine.choose.get(id)] : step.next;
    var out = [];
    var seen = new Set();
    (function expand(list) {
      list.forEach(function (t) {
        if (seen.has(t)) return;
        seen.add(t);
        if (mine.skip.has(t)) expand(mine.choose.has(t) ? [mine.choose.get(t)] : steps.get(t).next);
        else out.push(t);
      });
    })(targets);
    return out;
  }

  function onMyPath() {
    var on = new Set();
    if (!isPersonal(mine)) { order.forEach(function (id) { on.add(id); }); return on; }
    var queue = [first];
    if (mine.skip.has(first)) { queue = forward(first); } else { on.add(first); }
    queue.forEach(function (id) { on.add(id); });
    for (var i = 0; i < queue.length; i += 1) {
      forward(queue[i]).forEach(function (t) {
        if (!on.has(t)) { on.add(t); queue.push(t); }
      });
    }
    if (mine.skip.has(first)) on.delete(first);
    return on;
  }

  // The steps from the start to a step, shortest first: what lies behind.
  function routeTo(target) {
    var start = mine.skip.has(first) ? forward(first) : [first];
    var previous = new Map();
    var queue = start.slice();
    start.forEach(function (id) { previous.set(id, null); });
    for (var i = 0; i < queue.length; i += 1) {
      if (queue[i] === target) break;
      forward(queue[i]).forEach(function (t) {
        if (!previous.has(t)) { previous.set(t, queue[i]); queue.push(t); }
      });
    }
    if (!previous.has(target)) return [];
    var route = [];
    for (var id = previous.get(target); id; id = previous.get(id)) route.unshift(id);
    return route;
  }

  function svgBadge(step, kind, text) {
    if (!step.group) return;
    var old = $(".badge", step.group);
    if (old) old.parentNode.removeChild(old);
    if (!kind) return;
    var box = $(".box", step.group);
    var ns = "http://www.w3.org/2000/svg";
    var g = document.createElementNS(ns, "g");
    g.setAttribute("class", "badge badge-" + kind);
    g.setAttribute("aria-hidden", "true");
    var rect = document.createElementNS(ns, "rect");
    var label = document.createElementNS(ns, "text");
    label.textContent = text;
    // The layout keeps a slot free above each card for this badge (data-badge-*), so it covers nothing.
    var slot = ["x", "y", "w", "h"].map(function (k) { return parseFloat(step.group.getAttribute("data-badge-" + k)); });
    if (isNaN(slot[0])) {
      slot = [parseFloat(box.getAttribute("x")) + parseFloat(box.getAttribute("width")) - 140, parseFloat(box.getAttribute("y")) - 30, 140, 24];
    }
    rect.setAttribute("x", slot[0]);
    rect.setAttribute("y", slot[1]);
    rect.setAttribute("width", slot[2]);
    rect.setAttribute("height", slot[3]);
    rect.setAttribute("rx", slot[3] / 2);
    label.setAttribute("x", slot[0] + slot[2] / 2);
    label.setAttribute("y", slot[1] + slot[3] / 2 + 5);
    label.setAttribute("text-anchor", "middle");
    label.setAttribute("font-size", "14");
    label.setAttribute("font-weight", "bold");
    g.appendChild(rect);
    g.appendChild(label);
    step.group.appendChild(g);
  }

  var bar = $(".walk-bar");
  var labels = $("[data-here]");  // the walk bar, or the handout
  var texts = {};
  ["now", "behind", "here", "end", "back-to", "present", "present-exit", "more", "chosen"].forEach(function (key) {
    texts[key.replace(/-(\w)/g, function (m, c) { return c.toUpperCase(); })] = labels ? labels.getAttribute("data-" + key) || "" : "";
  });
  // A way back to an earlier step, in words: on its button and on the presentation's sign.
  function backTo(title) { return "↺ " + format(texts.backTo, { title: title }); }

  function showMine() {
    var on = onMyPath();
    var personal = isPersonal(mine);
    var count = 0;
    order.forEach(function (id) {
      var step = steps.get(id);
      var shown = on.has(id);
      if (shown) count += 1;
      step.item.hidden = !shown;
      step.node.classList.toggle("here", mine.at === id);
      if (step.group) step.group.classList.toggle("off", !shown);
    });
    $$(".polku-diagram .edge").forEach(function (edge) {
      var from = edge.getAttribute("data-from"), to = edge.getAttribute("data-to");
      var used = on.has(from) && on.has(to) && (!mine.choose.has(from) || steps.get(from).loops.indexOf(to) !== -1 || mine.choose.get(from) === to);
      edge.classList.toggle("off", personal && !used);
    });
    $$(".polku-diagram g.note").forEach(function (note) {
      note.classList.toggle("off", !on.has(note.getAttribute("data-step")));
    });
    leaveOut(on, personal);
    var status = $(".mypath-status");
    if (status) {
      status.hidden = !personal;
      var counter = $(".mypath-count", status);
      counter.textContent = format(counter.getAttribute("data-template"), { n: count, total: order.length });
      $(".mypath-print", status).setAttribute("href", "print.html" + mineQuery(mine));
    }
    // The handout's forks: only the way this client takes, with its condition.
    order.forEach(function (id) {
      var step = steps.get(id);
      var ways = $$(".ways li[data-to]", step.node);
      if (!ways.length) return;
      var chosen = mine.choose.get(id);
      ways.forEach(function (li) {
        var to = li.getAttribute("data-to");
        li.hidden = personal && ((chosen && chosen !== to) || !on.has(to));
      });
      var heading = $(".ways-title", step.node);
      if (heading) {
        if (!heading.hasAttribute("data-all")) heading.setAttribute("data-all", heading.textContent);
        heading.textContent = personal && chosen && texts.chosen || heading.getAttribute("data-all");
      }
    });
    // The picture's fork says "Choose one way"; on the client's own path, where they go.
    order.forEach(function (id) {
      var step = steps.get(id);
      var lines = step.group ? $$("text.t-fork", step.group) : [];
      var chosen = personal && texts.chosen && steps.get(mine.choose.get(id));
      lines.forEach(function (line, n) {
        if (!line.hasAttribute("data-all")) line.setAttribute("data-all", line.textContent);
        line.textContent = !chosen ? line.getAttribute("data-all") : n ? "" : texts.chosen + " " + (chosen.index + 1) + ".";
      });
    });
    var behind = mine.at ? routeTo(mine.at) : [];
    order.forEach(function (id) { steps.get(id).node.classList.toggle("done", behind.indexOf(id) !== -1); });
    paintBadges();
    // Links to the other versions of this page keep the choices and the step.
    $$("a.version-link").forEach(function (a) {
      a.setAttribute("href", a.getAttribute("href").split(/[?#]/)[0] + mineQuery(mine) + location.hash);
    });
  }

  // The handout's "my path" (print.html): what is not on the client's path is
  // left out, not faded. A picture page with none of the client's steps goes
  // (never the first, with the title, or the last, with the goal and the key),
  // and the pages' "continues on page N" are counted again; the sheet keeps the
  // people the client meets, with the client's step numbers; the pilots list
  // keeps the client's steps.
  function leaveOut(on, personal) {
    var handout = $(".handout");
    if (!handout) return;
    handout.classList.toggle("personal", personal);
    var parts = $$(".handout-diagram");
    var pages = [];  // each part's page number, null when left out
    var count = 0;
    parts.forEach(function (part, i) {
      var clients = $$("g.step[data-step]", part).some(function (g) { return on.has(g.getAttribute("data-step")); });
      part.hidden = personal && !clients && i > 0 && i < parts.length - 1;
      pages.push(part.hidden ? null : ++count);
    });
    function near(i, step) {
      for (var j = i + step; j >= 0 && j < parts.length; j += step) if (pages[j] !== null) return pages[j];
      return null;
    }
    parts.forEach(function (part, i) {
      [[".continues", near(i, 1)], [".continued", near(i, -1)]].forEach(function (pair) {
        var p = $(pair[0], part);
        if (!p || pair[1] === null) return;
        (p.querySelector("strong") || p).textContent = format(p.getAttribute("data-template"), { page: pair[1] });
      });
    });
    $$(".sheet .role-item[data-steps]").forEach(function (item) {
      var numbers = words(item.getAttribute("data-steps")).filter(function (pair) {
        return !personal || on.has(pair.slice(0, pair.lastIndexOf(":")));
      }).map(function (pair) { return pair.slice(pair.lastIndexOf(":") + 1); });
      item.hidden = numbers.length === 0;
      var meets = $(".role-meets-steps", item);
      if (meets && numbers.length) {
        meets.textContent = numbers.length === 1 ? format(meets.getAttribute("data-one"), { n: numbers[0] })
          : format(meets.getAttribute("data-many"), { numbers: numbers.join(", ") });
      }
    });
    var pilots = $(".pilots-explained");
    if (pilots) {
      var kept = 0;
      $$("li[data-pilot]", pilots).forEach(function (li) {
        li.hidden = personal && !on.has(li.getAttribute("data-pilot"));
        if (!li.hidden) kept += 1;
      });
      pilots.hidden = kept === 0;
    }
  }

  // ------------------------------------------------------------ walk-through
  var walk = { on: false, current: null, trail: [] };

  function paintBadges() {
    var behind = walk.on ? walk.trail : (mine.at ? routeTo(mine.at) : []);
    order.forEach(function (id) {
      var step = steps.get(id);
      var current = walk.on && walk.current === id;
      var isBehind = behind.indexOf(id) !== -1;
      step.node.classList.toggle("current", current);
      step.node.classList.toggle("behind", walk.on && isBehind);
      if (current) step.node.setAttribute("aria-current", "step");
      else step.node.removeAttribute("aria-current");
      if (step.group) {
        step.group.classList.toggle("current", current);
        step.group.classList.toggle("behind", isBehind);
        step.group.classList.toggle("here", mine.at === id);
        if (current) step.group.setAttribute("aria-current", "step");
        else step.group.removeAttribute("aria-current");
      }
      var kind = current ? "now" : (mine.at === id ? "here" : (isBehind ? "behind" : null));
      var label = { now: texts.now, here: texts.here, behind: "✓ " + texts.behind }[kind];
      svgBadge(step, kind, label);
    });
  }

  if (!bar) { showMine(); return; }

  var controls = $(".walk-controls");
  var startButton = $(".walk-start");
  var prevButton = $(".walk-prev", bar);
  var nextButton = $(".walk-next", bar);
  var nextText = nextButton.textContent;
  var onwardLink = $(".walk-onward", bar);
  var choices = $(".walk-choices", bar);
  var statusLine = $(".walk-status", bar);
  var presentButton = $(".walk-present", bar);
  controls.hidden = false;

  function stepHash(id) { return "#step-" + id; }

  function address(id) {
    return location.pathname + withView(mineQuery(mine)) + (id ? stepHash(id) : "");
  }

  function options(id) {
    // Where "next" can go from a step: its way forward on this path, then any loop back.
    return forward(id).map(function (t) { return { id: t, loop: false }; })
      .concat(steps.get(id).loops.map(function (t) { return { id: t, loop: true }; }));
  }

  function scrollDiagramTo(step) {
    var scroller = $(".diagram-scroll");
    if (!scroller || !step.group) return;
    var box = step.group.getBoundingClientRect();
    var frame = scroller.getBoundingClientRect();
    scroller.scrollLeft += (box.left + box.width / 2) - (frame.left + frame.width / 2);
    scroller.scrollTop += (box.top + box.height / 2) - (frame.top + frame.height / 2);
  }

  function render(focusTarget) {
    var step = steps.get(walk.current);
    document.body.classList.add("walking");
    bar.hidden = false;
    paintBadges();
    var next = options(walk.current);
    prevButton.disabled = walk.trail.length === 0;
    $$("button", choices).forEach(function (b) { b.parentNode.removeChild(b); });
    // More than one option here (ways forward on this client's path, and loops
    // back): the reader chooses among buttons. Not the model's forks: a fork
    // the client has chosen at offers one way, a loop adds one.
    var choosing = next.length > 1;
    // Where this path ends but the client's goes on in another path: the link there.
    var onward = next.length === 0 ? step.onward : null;
    choices.hidden = !choosing;
    nextButton.hidden = choosing || !!onward;
    nextButton.disabled = next.length === 0;
    // The only way on leads back (a return loop): the button says where, as a choice would.
    nextButton.textContent = next.length === 1 && next[0].loop ? backTo(steps.get(next[0].id).title) : nextText;
    onwardLink.hidden = !onward;
    if (onward) {
      onwardLink.href = onward.getAttribute("href");
      onwardLink.textContent = onward.textContent + " →";
    }
    next.forEach(function (option) {
      if (!choosing) return;
      var target = steps.get(option.id);
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = option.loop ? backTo(target.title) : target.title + " →";
      // The step's "when" for this way (data-when, written by the build) says why one would go there.
      var said = $('[data-to="' + option.id + '"][data-when]', step.node);
      if (said) {
        var when = document.createElement("span");
        when.className = "when";
        when.textContent = said.getAttribute("data-when") + ": ";
        button.insertBefore(when, button.firstChild);
      }
      button.addEventListener("click", function () { go(option.id, "forward"); focusChoiceOrNext(); });
      choices.appendChild(button);
    });
    statusLine.textContent = step.label + (next.length === 0 && !onward ? " " + texts.end : "");
    if (!carried) step.node.scrollIntoView({ block: "nearest" });  // after serve's update the page stays where the reader had it
    if (presenting()) camera.follow(walk.current, next);
    else if (!carried) scrollDiagramTo(step);
    markMore();
    if (focusTarget === "step") step.node.focus({ preventScroll: true });
  }

  // In the presentation the step's text is a panel of its own, which scrolls when
  // the step says more than it has room for: a strip at its foot says so in words
  // until the reader has scrolled to the end (data-more, style.css).
  var panel = $("ol.steps");
  function markMore() {
    if (!panel) return;
    var more = presenting() && panel.scrollHeight - panel.scrollTop - panel.clientHeight > 2;
    if (more) panel.setAttribute("data-more", texts.more);
    else panel.removeAttribute("data-more");
  }
  if (panel) {
    panel.addEventListener("scroll", markMore, bound);
    // The panel and the step in it change size after render(): the web font
    // arrives, the choices below grow, the window turns.
    if (typeof ResizeObserver === "function") {
      var resized = new ResizeObserver(function () { markMore(); });
      [panel].concat($$(":scope > li", panel)).forEach(function (node) { resized.observe(node); });
      if (listening) listening.signal.addEventListener("abort", function () { resized.disconnect(); });
    } else window.addEventListener("resize", markMore, bound);
  }

  function focusChoiceOrNext() {
    var first = $("button", choices);
    if (!choices.hidden && first) first.focus();
    else if (!onwardLink.hidden) onwardLink.focus();
    else if (!nextButton.disabled) nextButton.focus();
    else prevButton.focus();
  }

  function go(id, how, focusTarget) {
    if (!steps.has(id)) return;
    if (how === "forward" && walk.current) walk.trail.push(walk.current);
    else if (how === "back") walk.trail.pop();
    else if (how === "jump") {
      var at = walk.trail.indexOf(id);
      walk.trail = at !== -1 ? walk.trail.slice(0, at) : routeTo(id);
    }
    walk.on = true;
    walk.current = id;
    if (location.hash !== stepHash(id)) history.pushState(null, "", address(id));
    render(focusTarget);
  }

  function next() {
    var list = options(walk.current);
    if (list.length === 1) go(list[0].id, "forward");
    else if (list.length > 1 || !onwardLink.hidden) focusChoiceOrNext();  // the choices, or the link to the next path
  }

  function previous() {
    if (walk.trail.length) go(walk.trail[walk.trail.length - 1], "back");
  }

  function present(on) {
    var was = presenting();
    document.body.classList.toggle("presenting", on);
    presentButton.setAttribute("aria-pressed", on ? "true" : "false");
    presentButton.textContent = on ? texts.presentExit : texts.present;
    if (on) camera.enter();
    else camera.leave();
    // The address says so: ?view=present reopens the presentation at this step.
    if (on !== was && walk.current) history.replaceState(null, "", address(walk.current));
    if (walk.current) render();
    else markMore();
  }

  // ------------------------------------------------------------ presentation: the camera
  // In the presentation view the picture follows the walk: it pans and zooms
  // (the SVG's viewBox) so that the current step's card is whole and its title
  // large, and the steps it leads to are in sight. A small copy of the whole
  // path beside it marks where the client is and what the camera shows.
  function presenting() { return document.body.classList.contains("presenting"); }

  function withView(query) {
    if (!presenting()) return query;
    return (query ? query + "&" : "?") + "view=present";
  }

  var camera = (function () {
    var svg = $(".diagram .polku-diagram");
    var ns = "http://www.w3.org/2000/svg";
    var whole = svg ? svg.getAttribute("viewBox") : null;
    var full = whole ? whole.split(/[\s,]+/).map(Number) : null;
    var view = null;       // [x, y, w, h] now shown
    var frame = 0;         // the running animation
    var overview = null;   // the small copy of the whole path
    var shown = null;      // what follow() was last asked
    // serve's update may run this again over the same body: no second overview.
    $$(".present-overview, .present-far").forEach(function (old) { old.parentNode.removeChild(old); });
    var TITLE_PX = 20.1;   // the current step's title on screen, at least (20 asked)
    var TITLE_MAX_PX = 30; // and at most: the neighbours stay in sight
    var AROUND = 24;       // room above and below a card, in the picture's units (badges sit on its edge)
    var SIDE = 4;          // and beside it
    var EASE_MS = 300;

    function reduced() {
      return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    }

    // A step's card (or, whole, its group: the card with its signs and badge) in
    // the picture's own units, whatever groups it sits in.
    function boxOf(id, whole) {
      var group = steps.has(id) ? steps.get(id).group : null;
      var box = group && (whole ? group : $(".box", group) || group);
      return box ? unitsOf(box) : null;
    }

    // Any element's bounding box in the picture's own units.
    function unitsOf(box) {
      var b = box.getBBox();
      var m = svg.getScreenCTM().inverse().multiply(box.getScreenCTM());
      var xs = [], ys = [];
      [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]].forEach(function (c) {
        xs.push(m.a * c[0] + m.c * c[1] + m.e);
        ys.push(m.b * c[0] + m.d * c[1] + m.f);
      });
      var x = Math.min.apply(null, xs), y = Math.min.apply(null, ys);
      return { x: x, y: y, w: Math.max.apply(null, xs) - x, h: Math.max.apply(null, ys) - y };
    }

    // The size of the step's title in the picture's units (its largest text).
    function titleSize(id) {
      var group = steps.get(id).group;
      var texts = $$("text.t-title", group);
      if (!texts.length) texts = $$("text", group);
      var size = 0;
      texts.forEach(function (t) { size = Math.max(size, parseFloat(getComputedStyle(t).fontSize) || 0); });
      return size || 16;
    }

    function grow(b, by) { return { x: b.x - by, y: b.y - by, w: b.w + 2 * by, h: b.h + 2 * by }; }

    function union(list) {
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      list.forEach(function (b) {
        x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
        x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h);
      });
      return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
    }

    function seen(b, v) {  // the share of box b inside view v
      var w = Math.min(b.x + b.w, v.x + v.w) - Math.max(b.x, v.x);
      var h = Math.min(b.y + b.h, v.y + v.h) - Math.max(b.y, v.y);
      return w > 0 && h > 0 ? (w * h) / (b.w * b.h) : 0;
    }

    // Where along one axis the view may start: the current card inside it,
    // and the view inside the picture where the picture is larger.
    function range(lo, hi, size, start, length) {
      var a = hi - size, b = lo;  // the card [lo, hi] inside [v, v + size]
      if (length >= size) { a = Math.max(a, start); b = Math.min(b, start + length - size); }
      else { a = b = start + (length - size) / 2; }
      if (a > b) { a = hi - size; b = lo; }
      return [a, b];
    }

    // The view for a step: its card whole at a scale that draws its title
    // at TITLE_PX or more, and as much of each next step as can be seen: the
    // ways forward first, then the return loops (which may lie far back).
    function target(id, ways) {
      var rect = svg.getBoundingClientRect();
      var card = boxOf(id);
      if (!card || rect.width < 1 || rect.height < 1) return full.slice();
      // Room for the badge above the card and below it; at its sides only a
      // little, so that a step two columns away can still be seen beside it.
      var near = { x: card.x - SIDE, y: card.y - AROUND, w: card.w + 2 * SIDE, h: card.h + 2 * AROUND };
      // The badge's own slot (data-badge-y, in the picture's units) may reach
      // higher than AROUND: keep it whole, with a little air above it.
      var slotY = parseFloat(steps.get(id).group.getAttribute("data-badge-y"));
      if (isFinite(slotY) && slotY - SIDE < near.y) { near.h += near.y - (slotY - SIDE); near.y = slotY - SIDE; }
      var ahead = [];
      ways.forEach(function (way) {
        var b = boxOf(way.id);
        if (b) ahead.push({ box: b, weight: way.loop ? 0.4 : 1 });
      });
      var want = grow(union([card].concat(ahead.map(function (a) { return a.box; }))), AROUND);
      var size = titleSize(id);
      var fit = Math.min(rect.width / want.w, rect.height / want.h);
      var scale = Math.max(TITLE_PX / size, Math.min(fit, TITLE_MAX_PX / size));
      // The card whole (with its badge) comes first: on a phone that draws
      // the title under TITLE_PX rather than cut the card.
      scale = Math.min(scale, rect.width / near.w, rect.height / near.h);
      var w = rect.width / scale, h = rect.height / scale;
      var xs = range(near.x, near.x + near.w, w, full[0], full[2]);
      var ys = range(near.y, near.y + near.h, h, full[1], full[3]);
      var cx = want.x + want.w / 2, cy = want.y + want.h / 2;
      // Where the view may start: evenly over the range, and where one of its
      // edges meets the middle or an edge of a next card.
      function starts(r, size, lo, len) {
        var out = [];
        for (var i = 0; i <= 16; i += 1) out.push(r[0] + (r[1] - r[0]) * i / 16);
        ahead.forEach(function (a) {
          var b = a.box, from = lo(b), to = from + len(b);
          var l = len(b);
          [from - AROUND, from + l / 2, from + l * 0.58, to + AROUND - size, from + l / 2 - size, from + l * 0.42 - size].forEach(function (p) {
            out.push(Math.min(r[1], Math.max(r[0], p)));
          });
        });
        return out;
      }
      var xStarts = starts(xs, w, function (b) { return b.x; }, function (b) { return b.w; });
      var yStarts = starts(ys, h, function (b) { return b.y; }, function (b) { return b.h; });
      var best = null;
      for (var i = 0; i < xStarts.length; i += 1) {
        for (var j = 0; j < yStarts.length; j += 1) {
          var v = { x: xStarts[i], y: yStarts[j], w: w, h: h };
          // First as many next steps as can be 42 % in sight (the ways forward
          // before the return loops), then each up to half of it in sight,
          // then the middle of all of them.
          var enough = 0, share = 0;
          ahead.forEach(function (a) {
            var s = seen(a.box, v);
            if (s >= 0.42) enough += a.weight;
            share += a.weight * Math.min(s, 0.5);
          });
          var off = Math.abs(v.x + w / 2 - cx) / w + Math.abs(v.y + h / 2 - cy) / h;
          var score = enough * 1e6 + share * 1000 - off;
          if (!best || score > best.score) best = { score: score, v: v };
        }
      }
      return [best.v.x, best.v.y, w, h];
    }

    function show(v) {
      view = v;
      svg.setAttribute("viewBox", v.map(function (n) { return Math.round(n * 10) / 10; }).join(" "));
      markOverview();
    }

    function ease(t) { return t < 0.5 ? 4 * t * t * t : 1 - Math.pow(-2 * t + 2, 3) / 2; }

    function moveTo(v, animate) {
      if (frame) cancelAnimationFrame(frame);
      frame = 0;
      if (!animate || !view || reduced()) { show(v); svg.removeAttribute("data-moving"); return; }
      var from = view.slice();
      var begun = performance.now();
      svg.setAttribute("data-moving", "");
      frame = requestAnimationFrame(function step() {
        var t = Math.min(1, (performance.now() - begun) / EASE_MS);
        var k = ease(t);
        show(from.map(function (a, n) { return a + (v[n] - a) * k; }));
        if (t < 1) frame = requestAnimationFrame(step);
        else { frame = 0; svg.removeAttribute("data-moving"); }
      });
    }

    // The overview: the picture's shapes, no words (the big picture says them),
    // the current card filled and the camera's view framed.
    function makeOverview() {
      var copy = svg.cloneNode(true);
      // The copy keeps how each shape looks, but no classes, ids or data of the
      // picture's own: it is not the picture, and no selector of it finds the copy.
      var originals = $$("*", svg), copies = $$("*", copy);
      copies.forEach(function (n, i) {
        var look = getComputedStyle(originals[i]);
        var style = ["fill", "stroke", "stroke-width", "stroke-dasharray", "opacity"].map(function (k) {
          return k + ":" + look.getPropertyValue(k);
        }).join(";");
        var step = n.getAttribute("data-step");
        var card = n.classList && n.classList.contains("box");
        Array.prototype.slice.call(n.attributes).forEach(function (a) {
          if (a.name === "id" || a.name === "class" || a.name === "role" || a.name === "style" || a.name.indexOf("data-") === 0 || a.name.indexOf("aria-") === 0) n.removeAttribute(a.name);
        });
        n.setAttribute("style", style);
        if (step && n.tagName.toLowerCase() === "g") n.setAttribute("data-overview-step", step);
        if (card) n.setAttribute("class", "overview-box");
      });
      $$("text, title, desc, style", copy).forEach(function (n) { if (n.parentNode) n.parentNode.removeChild(n); });
      ["id", "class", "role", "aria-labelledby", "aria-describedby"].forEach(function (a) { copy.removeAttribute(a); });
      copy.setAttribute("viewBox", whole);
      copy.setAttribute("aria-hidden", "true");
      copy.setAttribute("focusable", "false");
      copy.setAttribute("class", "overview-picture");
      var mark = document.createElementNS(ns, "rect");
      mark.setAttribute("class", "overview-view");
      copy.appendChild(mark);
      var box = document.createElement("div");
      box.className = "present-overview";
      box.appendChild(copy);
      return box;
    }

    function markOverview() {
      if (!overview || !view) return;
      $$(".overview-current", overview).forEach(function (n) { n.classList.remove("overview-current"); });
      if (shown) {
        var group = $('[data-overview-step="' + shown + '"]', overview);
        if (group) group.classList.add("overview-current");
      }
      var mark = $(".overview-view", overview);
      ["x", "y", "width", "height"].forEach(function (k, n) { mark.setAttribute(k, view[n]); });
    }

    // A return loop can lead further back than a view with a 20 px title
    // reaches. Then a sign inside the frame names the loop's step, with an
    // arrow toward it, and the overview marks that step: the client still sees
    // where the road may go back to. The sign goes along the frame's edge, where
    // it covers no card (never the current one), as near the loop's step as that allows.
    var signs = [];
    var ARROWS = ["→", "↘", "↓", "↙", "←", "↖", "↑", "↗"];
    function clearSigns() {
      signs.forEach(function (s) { if (s.parentNode) s.parentNode.removeChild(s); });
      signs = [];
    }

    function pointFar(id, ways, v) {
      clearSigns();
      if (overview) $$(".overview-loop", overview).forEach(function (n) { n.classList.remove("overview-loop"); });
      var holder = svg.closest(".diagram") || svg.parentNode;
      var rect = svg.getBoundingClientRect(), frame = holder.getBoundingClientRect();
      var scale = rect.width / v[2];
      function onScreen(b) {  // a box in the picture's units, in the frame's px once the view is v
        return { x: rect.left - frame.left + (b.x - v[0]) * scale, y: rect.top - frame.top + (b.y - v[1]) * scale, w: b.w * scale, h: b.h * scale };
      }
      function meet(a, b) {
        return Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
      }
      var ahead = ways.map(function (way) { return way.id; });
      var cards = order.map(function (s) {
        var b = boxOf(s, true);  // the card with its signs ("when") and badge
        return b ? { box: onScreen(b), weight: s === id ? 1e6 : ahead.indexOf(s) !== -1 ? 100 : 10 } : null;
      }).filter(Boolean);
      // The notes and each line of the key count as a card beside the road.
      $$("g.note, g.legend > *", svg).forEach(function (e) { cards.push({ box: onScreen(unitsOf(e)), weight: 10 }); });
      var taken = [];  // the signs already placed
      ways.forEach(function (way) {
        var b = way.loop ? boxOf(way.id) : null;
        if (!b || seen(b, { x: v[0], y: v[1], w: v[2], h: v[3] }) >= 0.4) return;
        if (overview) {
          var mark = $('[data-overview-step="' + way.id + '"]', overview);
          if (mark) mark.classList.add("overview-loop");
        }
        var sign = document.createElement("p");
        sign.className = "present-far";
        sign.setAttribute("aria-hidden", "true");  // the walk's choices say it in words
        // It looks like the way back, so a tap on it takes it, as the walk's button does
        // (the button is what the keyboard and a screen reader use).
        sign.addEventListener("click", function () { go(way.id, "forward"); });
        var arrow = document.createElement("span");  // its direction is known once the sign has its place
        arrow.className = "far-arrow";
        arrow.textContent = "→";
        var named = backTo(steps.get(way.id).title), label = document.createTextNode(named);
        sign.appendChild(arrow);
        sign.appendChild(label);
        holder.appendChild(sign);
        var W = holder.clientWidth, H = holder.clientHeight, EDGE = 6;
        // Beside where the loop's own track leaves the frame (so that the sign
        // names that track), else toward the step it leads back to.
        var exit = trackExit(id, way.id, v);
        var there = exit ? onScreen({ x: exit.x, y: exit.y, w: 0, h: 0 }) : onScreen(b);
        var tx = there.x + there.w / 2, ty = there.y + there.h / 2;
        function spot() {  // the sign's best place as it reads now: {cost, covered, x, y, w, h}
          // The same lines wherever it goes (near the frame's right edge it would wrap
          // again): its width fixed, rounded up, since a width rounded down wraps too.
          sign.style.width = "";
          sign.style.width = Math.ceil(sign.getBoundingClientRect().width) + "px";
          var w = sign.offsetWidth, h = sign.offsetHeight, best = null;
          function tryAt(x, y) {
            var box = { x: x, y: y, w: w, h: h }, covered = 0;
            cards.concat(taken).forEach(function (c) { covered += c.weight * meet(box, c.box); });
            var cost = covered + Math.hypot(x + w / 2 - tx, y + h / 2 - ty);
            if (!best || cost < best.cost) best = { cost: cost, covered: covered, x: x, y: y, w: w, h: h };
          }
          for (var x = EDGE; x <= W - w - EDGE; x += 4) { tryAt(x, EDGE); tryAt(x, H - h - EDGE); }
          for (var y = EDGE; y <= H - h - EDGE; y += 4) { tryAt(EDGE, y); tryAt(W - w - EDGE, y); }
          if (!best) tryAt(EDGE, EDGE);
          return best;
        }
        var best = spot();
        if (best.covered > 0) {
          // No free spot for the whole name (a phone's small frame): the step's
          // number alone, as the walk's button below names it in full.
          label.textContent = backTo((steps.get(way.id).index + 1) + ".");
          var short = spot();
          if (short.covered < best.covered) best = short;
          else { label.textContent = named; sign.style.width = best.w + "px"; }  // back to the whole name, at the place found for it
        }
        var w = best.w, h = best.h;
        sign.style.left = best.x + "px";
        sign.style.top = best.y + "px";
        var angle = exit ? exit.angle : Math.atan2(ty - (best.y + h / 2), tx - (best.x + w / 2));
        arrow.textContent = ARROWS[(Math.round(angle / (Math.PI / 4)) + 8) % 8];
        taken.push({ box: { x: best.x, y: best.y, w: w, h: h }, weight: 1e6 });
        signs.push(sign);
      });
    }

    // Where the return track from one step to another first leaves the view v
    // (in the picture's units), and the direction it goes on in; null if it stays inside.
    function trackExit(from, to, v) {
      var edge = $('.edge.loop[data-from="' + from + '"][data-to="' + to + '"]', svg);
      var numbers = edge ? (edge.getAttribute("d") || "").match(/-?\d+(?:\.\d+)?/g) || [] : [];
      var inside = function (x, y) { return x >= v[0] && x <= v[0] + v[2] && y >= v[1] && y <= v[1] + v[3]; };
      for (var i = 0; i + 3 < numbers.length; i += 2) {
        var ax = +numbers[i], ay = +numbers[i + 1], bx = +numbers[i + 2], by = +numbers[i + 3];
        if (!inside(ax, ay) || inside(bx, by)) continue;
        // The first of the view's four edges the segment a-b crosses.
        var t = 1;
        if (bx < v[0]) t = Math.min(t, (v[0] - ax) / (bx - ax));
        if (bx > v[0] + v[2]) t = Math.min(t, (v[0] + v[2] - ax) / (bx - ax));
        if (by < v[1]) t = Math.min(t, (v[1] - ay) / (by - ay));
        if (by > v[1] + v[3]) t = Math.min(t, (v[1] + v[3] - ay) / (by - ay));
        return { x: ax + (bx - ax) * t, y: ay + (by - ay) * t, angle: Math.atan2(by - ay, bx - ax) };
      }
      return null;
    }

    function follow(id, ways) {
      if (!svg || !full) return;
      var again = shown === id;
      shown = id;
      var v = target(id, ways);
      moveTo(v, !again);
      pointFar(id, ways, v);
    }

    function enter() {
      if (!svg || !full || (overview && overview.isConnected)) return;
      overview = makeOverview();
      var figure = svg.closest("figure") || svg.parentNode;
      figure.parentNode.insertBefore(overview, figure.nextSibling);
      view = null;
      shown = null;
    }

    function leave() {
      if (frame) cancelAnimationFrame(frame);
      frame = 0;
      if (overview) overview.parentNode.removeChild(overview);
      overview = null;
      clearSigns();
      view = null;
      shown = null;
      if (svg && whole) { svg.setAttribute("viewBox", whole); svg.removeAttribute("data-moving"); }
    }

    // A new window size: the same step, framed again at once.
    window.addEventListener("resize", function () {
      if (presenting() && walk.current && shown) { shown = null; follow(walk.current, options(walk.current)); }
    }, bound);

    return { follow: follow, enter: enter, leave: leave };
  })();

  function stop(keepAddress) {
    walk.on = false;
    walk.current = null;
    walk.trail = [];
    present(false);
    document.body.classList.remove("walking");
    bar.hidden = true;
    paintBadges();
    if (!keepAddress && location.hash) history.pushState(null, "", address(null));
    startButton.focus();
  }

  startButton.addEventListener("click", function () {
    go(mine.at || (mine.skip.has(first) ? forward(first)[0] : first), "jump", "step");
  }, bound);
  nextButton.addEventListener("click", function () { next(); if (!nextButton.hidden && !nextButton.disabled) nextButton.focus(); else focusChoiceOrNext(); }, bound);
  prevButton.addEventListener("click", function () { previous(); if (prevButton.disabled) focusChoiceOrNext(); }, bound);
  presentButton.addEventListener("click", function () { present(!document.body.classList.contains("presenting")); presentButton.focus(); }, bound);
  $(".walk-stop", bar).addEventListener("click", function () { stop(false); }, bound);

  document.addEventListener("keydown", function (event) {
    if (!walk.on || event.altKey || event.ctrlKey || event.metaKey) return;
    var tag = event.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    if (event.key === "ArrowRight" || event.key === "ArrowDown" || event.key === "PageDown") {
      event.preventDefault();
      var list = options(walk.current);
      if (list.length === 1) go(list[0].id, "forward", "step");
      else focusChoiceOrNext();
    } else if (event.key === "ArrowLeft" || event.key === "ArrowUp" || event.key === "PageUp") {
      event.preventDefault();
      if (walk.trail.length) go(walk.trail[walk.trail.length - 1], "back", "step");
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (document.body.classList.contains("presenting")) { present(false); presentButton.focus(); } else stop(false);
    }
  }, bound);

  // The back and forward buttons of the browser move the walk too.
  window.addEventListener("popstate", function () {
    mine = readMine(location.search);
    syncForm();
    showMine();
    var id = stepFromHash();
    if (id) go(id, "jump");
    else if (walk.on) stop(true);
  }, bound);

  function stepFromHash() {
    // Any id the page has: the build wrote only ids the schema allows.
    var id = location.hash.indexOf("#step-") === 0 ? location.hash.slice(6) : "";
    return steps.has(id) ? id : null;
  }

  // ------------------------------------------------------------ my path form
  var form = $("#mypath");
  var toggle = $(".mypath-toggle");

  function syncForm() {
    if (!form) return;
    $("#mypath-at", form).value = mine.at || "";
    $$(".mypath-fork", form).forEach(function (set) {
      var fork = set.getAttribute("data-fork");
      $$("input", set).forEach(function (input) { input.checked = input.value === (mine.choose.get(fork) || ""); });
    });
    $$('input[name="keep"]', form).forEach(function (input) { input.checked = !mine.skip.has(input.value); });
  }

  if (form && toggle) {
    toggle.addEventListener("click", function () {
      var open = form.hidden;
      form.hidden = !open;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) $("select, input", form).focus();
    }, bound);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var state = { at: $("#mypath-at", form).value || null, choose: new Map(), skip: new Set() };
      $$(".mypath-fork", form).forEach(function (set) {
        var checked = $("input:checked", set);
        if (checked && checked.value) state.choose.set(set.getAttribute("data-fork"), checked.value);
      });
      $$('input[name="keep"]', form).forEach(function (input) { if (!input.checked) state.skip.add(input.value); });
      mine = state;
      history.pushState(null, "", address(walk.on ? walk.current : null));
      showMine();
      if (walk.on && !onMyPath().has(walk.current)) stop(false);
      else if (walk.on) render();
    }, bound);
    $$(".mypath-reset").forEach(function (button) {
      button.addEventListener("click", function () {
        mine = { at: null, choose: new Map(), skip: new Set() };
        syncForm();
        history.pushState(null, "", address(walk.on ? walk.current : null));
        showMine();
        toggle.focus();
      }, bound);
    });
  }

  syncForm();
  showMine();
  var initial = stepFromHash();
  var before = carried && carried.walk;
  if (form && toggle && carried && carried.formOpen) {
    form.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
  }
  var presentAsked = new URLSearchParams(location.search).get("view") === "present";
  if (!initial && presentAsked) initial = mine.at || (mine.skip.has(first) ? forward(first)[0] : first);
  if (initial) {
    // After serve's update the walk goes on with the way taken, as far as those steps still exist.
    walk.trail = before && before.current === initial ? before.trail.filter(function (id) { return steps.has(id); }) : routeTo(initial);
    walk.on = true;
    walk.current = initial;
    if (presentAsked || (before && before.presenting)) present(true);
    render(carried ? null : "step");
  } else if (before) {
    document.body.classList.remove("walking", "presenting");
  }
  carried = null;  // from here on, the reader's own moves scroll as usual

  // What serve's update must carry over: all else is in the address or the page.
  function handOver() {
    return {
      walk: walk && walk.on ? { current: walk.current, trail: walk.trail.slice(), presenting: document.body.classList.contains("presenting") } : null,
      formOpen: !!(form && !form.hidden)
    };
  }
})();

// The printable handout: a print button, and "my path" applied from the address.
(function () {
  "use strict";
  var ready = new WeakSet();  // buttons that print: serve's update may keep the same one
  function handout() {
    var controls = document.querySelector(".print-controls");
    if (!controls) return;
    controls.hidden = false;
    var button = controls.querySelector(".print-button");
    if (ready.has(button)) return;
    ready.add(button);
    button.addEventListener("click", function () { window.print(); });
  }
  handout();
  document.addEventListener("polku:afterupdate", handout);
})();
