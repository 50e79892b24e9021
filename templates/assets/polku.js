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
  // Read from the step sections the build wrote: data-next (forward), data-loops
  // (back to an earlier step), data-optional.
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
      group: group,
      label: ($("h3", node) || node).textContent.replace(/\s+/g, " ").trim(),
      title: node.getAttribute("data-title")
    });
  });
  var first = order[0];

  // ------------------------------------------------------------ my path
  // ?at=<step>&choose=<fork>.<branch>,...&skip=<step>,... : ids are [a-z0-9-].
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
    var right = parseFloat(box.getAttribute("x")) + parseFloat(box.getAttribute("width"));
    var top = parseFloat(box.getAttribute("y"));
    var width = 16 + text.length * 7.6;
    rect.setAttribute("x", right - width);
    rect.setAttribute("y", top - 13);
    rect.setAttribute("width", width);
    rect.setAttribute("height", 24);
    rect.setAttribute("rx", 12);
    label.setAttribute("x", right - width / 2);
    label.setAttribute("y", top + 4);
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
  ["now", "behind", "here", "end", "back-to", "present", "present-exit"].forEach(function (key) {
    texts[key.replace(/-(\w)/g, function (m, c) { return c.toUpperCase(); })] = labels ? labels.getAttribute("data-" + key) || "" : "";
  });

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
    var status = $(".mypath-status");
    if (status) {
      status.hidden = !personal;
      var counter = $(".mypath-count", status);
      counter.textContent = format(counter.getAttribute("data-template"), { n: count, total: order.length });
      $(".mypath-print", status).setAttribute("href", "print.html" + mineQuery(mine));
    }
    var behind = mine.at ? routeTo(mine.at) : [];
    order.forEach(function (id) { steps.get(id).node.classList.toggle("done", behind.indexOf(id) !== -1); });
    paintBadges();
    // Links to the other versions of this page keep the choices and the step.
    $$("a.version-link").forEach(function (a) {
      a.setAttribute("href", a.getAttribute("href").split(/[?#]/)[0] + mineQuery(mine) + location.hash);
    });
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
  var choices = $(".walk-choices", bar);
  var statusLine = $(".walk-status", bar);
  var presentButton = $(".walk-present", bar);
  controls.hidden = false;

  function stepHash(id) { return "#step-" + id; }

  function address(id) {
    return location.pathname + mineQuery(mine) + (id ? stepHash(id) : "");
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
    var fork = next.length > 1;
    choices.hidden = !fork;
    nextButton.hidden = fork;
    nextButton.disabled = next.length === 0;
    next.forEach(function (option) {
      if (!fork) return;
      var target = steps.get(option.id);
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = option.loop ? "↺ " + format(texts.backTo, { title: target.title }) : target.title + " →";
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
    statusLine.textContent = step.label + (next.length === 0 ? " " + texts.end : "");
    if (!carried) {  // after serve's update the page stays where the reader had it
      step.node.scrollIntoView({ block: "nearest" });
      scrollDiagramTo(step);
    }
    if (focusTarget === "step") step.node.focus({ preventScroll: true });
  }

  function focusChoiceOrNext() {
    var first = $("button", choices);
    if (!choices.hidden && first) first.focus();
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
    else if (list.length > 1) focusChoiceOrNext();
  }

  function previous() {
    if (walk.trail.length) go(walk.trail[walk.trail.length - 1], "back");
  }

  function present(on) {
    document.body.classList.toggle("presenting", on);
    presentButton.setAttribute("aria-pressed", on ? "true" : "false");
    presentButton.textContent = on ? texts.presentExit : texts.present;
    if (walk.current) render();
  }

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
    var match = /^#step-([a-z0-9-]+)$/.exec(location.hash);
    return match && steps.has(match[1]) ? match[1] : null;
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
  if (initial) {
    // After serve's update the walk goes on with the way taken, as far as those steps still exist.
    walk.trail = before && before.current === initial ? before.trail.filter(function (id) { return steps.has(id); }) : routeTo(initial);
    walk.on = true;
    walk.current = initial;
    render(carried ? null : "step");
    if (before && before.presenting) present(true);
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
