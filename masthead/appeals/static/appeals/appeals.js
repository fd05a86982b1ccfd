// Support appeals, decided in this browser.
//
// The page and /appeals/active.json are the same for every reader. This script shows at most
// one appeal per placement (after the article, bottom banner, dialog) from what only this
// browser knows: the supporter cookie set after a contribution, how many articles it has read
// (counted per week and per section, nothing finer, forgotten after a year), which appeals it
// has been shown, dismissed or snoozed. None of that leaves the browser: the server only gets
// anonymous counter events (appeal, variant, event). Any failure leaves the article as it is,
// with its plain link to the support page.
(function () {
  "use strict";
  var slot = document.querySelector("[data-appeals]");
  if (!slot || !window.JSON) return;
  // The site's root, wherever this copy of it is served: this file lives at
  // <root>/static/appeals/ (the main domain, a mirror, a sub-path such as /news/, a folder).
  // The appeals file and its stylesheet are named from the root ("/appeals/active.json"),
  // and are found under this root, not the host's.
  var script = document.currentScript;
  var siteRoot = script && script.src ? new URL("../../", script.src) : new URL("/", location.href);

  var STORE = "masthead.appeals";
  var DAY = 864e5;
  var KEEP_DAYS = 366;
  var now = Date.now();
  var today = Math.floor(now / DAY);
  var previewNode = document.getElementById("appeals-preview");
  var preview = !!previewNode;
  var doc = null;
  var state;

  // --- What this browser remembers ---------------------------------------------------------

  function storage(name) {
    try { return window[name] || null; } catch (e) { return null; }
  }
  function read(store, key) {
    try { return JSON.parse(store.getItem(key)); } catch (e) { return null; }
  }
  function write(store, key, value) {
    try { store.setItem(key, JSON.stringify(value)); } catch (e) { /* full or disabled */ }
  }
  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }
  function each(obj, fn) {
    if (isObject(obj)) Object.keys(obj).forEach(function (key) { fn(key, obj[key]); });
  }
  function isDay(value) {
    return typeof value === "number" && value > today - KEEP_DAYS;
  }
  // Weeks begin on Monday (day 0, 1 January 1970, was a Thursday).
  function weekOf(day) { return Math.floor((day + 3) / 7); }

  // A root-relative address of the site ("/appeals/active.json") under this copy's root;
  // any other address as it is.
  function fromRoot(path) {
    return /^\/(?!\/)/.test(path) ? new URL(path.slice(1), siteRoot).href : new URL(path, location.href).href;
  }

  function randomSeed() {
    try { return window.crypto.getRandomValues(new Uint32Array(1))[0]; } catch (e) {
      return Math.floor(Math.random() * 4294967296);
    }
  }

  // Read what is stored, keeping only well-formed entries younger than a year.
  function load() {
    var raw = read(storage("localStorage"), STORE);
    var s = isObject(raw) ? raw : {};
    var kept = {
      seed: typeof s.seed === "number" && s.seed >= 0 && s.seed < 4294967296 && s.seed % 1 === 0
        ? s.seed : randomSeed(),
      reads: {}, views: {}, dismissed: {},
      snoozed: typeof s.snoozed === "number" && s.snoozed > today && s.snoozed <= today + KEEP_DAYS
        ? s.snoozed : 0
    };
    var oldestWeek = weekOf(today - KEEP_DAYS);
    each(s.reads, function (week, sections) {
      if (+week >= oldestWeek && isObject(sections)) {
        var counts = {};
        each(sections, function (section, n) { if (typeof n === "number" && n > 0) counts[section] = n; });
        kept.reads[week] = counts;
      }
    });
    each(s.views, function (id, days) {
      var recent = Array.isArray(days) ? days.filter(isDay) : [];
      if (recent.length) kept.views[id] = recent;
    });
    each(s.dismissed, function (id, day) { if (isDay(day)) kept.dismissed[id] = day; });
    return kept;
  }

  function save() { write(storage("localStorage"), STORE, state); }

  // This article. Reloading it or coming back to it is not another read; nothing records which
  // articles were read, so a new visit to the same article by a link counts again.
  function countRead() {
    if (!slot.getAttribute("data-article") || preview) return;
    var navigation = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    if (navigation && navigation.type !== "navigate") return;
    var week = weekOf(today);
    var section = slot.getAttribute("data-section") || "";
    var counts = state.reads[week] || (state.reads[week] = {});
    counts[section] = (counts[section] || 0) + 1;
  }

  // --- The rules -----------------------------------------------------------------------------

  function cookie(name) {
    if (!name) return null;
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) {
        try { return decodeURIComponent(parts[i].slice(eq + 1)); } catch (e) { return ""; }
      }
    }
    return null;
  }
  // A cookie that says "until:YYYY-MM-DD" holds until the end of that day; any other value
  // holds for as long as the browser keeps the cookie.
  function cookieHolds(name) {
    var value = cookie(name);
    if (value === null) return false;
    var until = /until:(\d{4}-\d\d-\d\d)/.exec(value);
    return !until || until[1] >= new Date(now).toISOString().slice(0, 10);
  }

  // The same "until:YYYY-MM-DD" kept in this origin's localStorage: the snooze of a copy on
  // another origin than the app's, whose cookie this page cannot read (the reminder page's
  // support.js keeps it). A date already past, or further ahead than any reminder, is
  // forgotten.
  function storedHolds(key) {
    var store = key ? storage("localStorage") : null;
    if (!store) return false;
    var value;
    try { value = store.getItem(key); } catch (e) { return false; }
    if (value === null) return false;
    var until = /^until:(\d{4}-\d\d-\d\d)$/.exec(value);
    var first = new Date(now).toISOString().slice(0, 10);
    var last = new Date(now + KEEP_DAYS * DAY).toISOString().slice(0, 10);
    if (until && until[1] >= first && until[1] <= last) return true;
    try { store.removeItem(key); } catch (e) { /* disabled */ }
    return false;
  }

  function list(value) { return Array.isArray(value) ? value : []; }

  function readsFor(appeal) {
    var fromWeek = weekOf(today - (appeal.minArticlesDays || 1) + 1);
    var only = list(appeal.sections && appeal.sections.only);
    var n = 0;
    each(state.reads, function (week, counts) {
      if (+week >= fromWeek) {
        each(counts, function (section, count) {
          if (!only.length || only.indexOf(section) >= 0) n += count;
        });
      }
    });
    return n;
  }

  function viewsFor(appeal) {
    var since = today - (appeal.capDays || 1);
    return (state.views[appeal.id] || []).filter(function (day) { return day > since; }).length;
  }

  // An appeal is written in one language and shown only in that language's edition: on pages
  // whose <html lang> has its primary subtag ("ru" of "ru-RU"). A page that names no language
  // is in the default one, and so is an appeal that names none (a file from before languages).
  function primaryLanguage(tag) { return String(tag || "").toLowerCase().split("-")[0]; }
  function inPageLanguage(appeal) {
    var fallback = primaryLanguage(doc.defaultLanguage);
    var page = primaryLanguage(document.documentElement.lang) || fallback;
    return (primaryLanguage(appeal.language) || fallback) === page;
  }

  function eligible(appeal, reader) {
    var section = slot.getAttribute("data-section") || "";
    var tags = (slot.getAttribute("data-tags") || "").split(" ").filter(Boolean);
    var sections = appeal.sections || {};
    var tagRules = appeal.tags || {};
    var onlyTags = list(tagRules.only);
    if (!inPageLanguage(appeal)) return false;
    if (appeal.from && now < appeal.from) return false;
    if (appeal.until && now >= appeal.until) return false;
    if (appeal.audience === "supporters" && !reader.supporter) return false;
    if (appeal.audience === "non_supporters" && reader.supporter) return false;
    if (list(sections.only).length && list(sections.only).indexOf(section) < 0) return false;
    if (list(sections.never).indexOf(section) >= 0) return false;
    if (onlyTags.length && !tags.some(function (t) { return onlyTags.indexOf(t) >= 0; })) return false;
    if (tags.some(function (t) { return list(tagRules.never).indexOf(t) >= 0; })) return false;
    if (readsFor(appeal) < (appeal.minArticles || 0)) return false;
    if (viewsFor(appeal) >= (appeal.cap || 1)) return false;
    return !state.dismissed[appeal.id];
  }

  // FNV-1a with a final mix: a number in [0, 1) that depends only on this browser's seed and
  // the appeal, so the same browser always gets the same variant of an appeal.
  function unit(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
    h ^= h >>> 16; h = Math.imul(h, 2246822507);
    h ^= h >>> 13; h = Math.imul(h, 3266489909);
    h ^= h >>> 16;
    return (h >>> 0) / 4294967296;
  }

  function pickVariant(appeal) {
    var variants = list(appeal.variants).filter(function (v) { return v.weight > 0 && v.html; });
    var total = variants.reduce(function (sum, v) { return sum + v.weight; }, 0);
    if (!total) return null;
    var point = unit(state.seed + ":" + appeal.id) * total;
    for (var i = 0; i < variants.length; i++) {
      point -= variants[i].weight;
      if (point < 0) return variants[i];
    }
    return variants[variants.length - 1];
  }

  // --- Showing an appeal ---------------------------------------------------------------------

  function count(appeal, variant, event) {
    if (preview || !doc.count) return;
    // Through the shared queue (core's queue.js): to the app wherever it answers, kept in
    // this browser while it cannot be reached.
    var queue = window.masthead && window.masthead.queue;
    if (queue) return queue.send(doc.count, { e: event, a: String(appeal.id), v: variant.key });
    var body = new URLSearchParams();
    body.set("e", event);
    body.set("a", String(appeal.id));
    body.set("v", variant.key);
    try {
      if (navigator.sendBeacon && navigator.sendBeacon(doc.count, body)) return;
      window.fetch(doc.count, { method: "POST", body: body, keepalive: true }).catch(function () {});
    } catch (e) { /* counting is best effort */ }
  }

  // The support and reminder pages need the app. A copy of the site (mirror, onion, a saved
  // folder) may have none: distribution's reach.js then finds an origin that has it.
  function go(event, url) {
    var reach = window.masthead && window.masthead.reachableOrigin;
    if (!reach || !url || event.defaultPrevented) return;
    if (event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    var target = new URL(url, location.href);
    reach().then(function (origin) {
      location.assign(origin + target.pathname + target.search);
    }, function () {
      location.assign(target.href);
    });
  }

  function focusables(root) {
    return Array.prototype.filter.call(
      root.querySelectorAll("a[href], button, input, select, textarea, [tabindex]"),
      function (el) {
        return !el.disabled && el.type !== "hidden" && el.tabIndex >= 0 &&
          (el.type !== "radio" || el.checked) && el.getClientRects().length > 0;
      }
    );
  }

  function openDialog(dialog, dismiss) {
    var opener = document.activeElement;
    dialog.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") return;
      var items = focusables(dialog);
      var first = items[0];
      var last = items[items.length - 1];
      if (!first) { event.preventDefault(); return; }
      if (event.shiftKey && (document.activeElement === first || document.activeElement === dialog)) {
        event.preventDefault(); last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault(); first.focus();
      }
    });
    dialog.addEventListener("cancel", dismiss); // Escape
    dialog.addEventListener("close", function () {
      dialog.remove();
      var back = opener && opener !== document.body && document.contains(opener)
        ? opener : document.getElementById("main");
      if (back) back.focus();
    });
    dialog.showModal();
    if (!dialog.contains(document.activeElement)) dialog.focus();
  }

  function whenNear(node, margin, fn) {
    if (!node || !window.IntersectionObserver) return fn();
    var observer = new IntersectionObserver(function (entries) {
      if (entries[0].isIntersecting) {
        observer.disconnect();
        fn();
      }
    }, { rootMargin: margin });
    observer.observe(node);
  }

  // The end-of-article appeal is put in place when the reader nears it, and counted as a view
  // when they reach it: a reader who stops halfway is neither slowed down nor counted.
  function show(choice) {
    var appeal = choice[0];
    var place = slot.querySelector('[data-appeals-place="' + appeal.placement + '"]');
    if (!place) return;
    var lazy = appeal.placement === "article" && !preview;
    if (appeal.placement === "article") hideFallback();
    whenNear(lazy && place, "100% 0px", function () {
      try { insert(appeal, choice[1], place, lazy); } catch (e) { /* the article stays */ }
    });
  }

  function insert(appeal, variant, place, lazy) {
    place.innerHTML = variant.html;
    var root = place.firstElementChild;
    if (!root) return;
    root.setAttribute("data-appeal", String(appeal.id));
    root.setAttribute("data-variant", variant.key);
    // The article the reader gives from: aggregate figures per article (figures app).
    var pagePath = window.masthead && window.masthead.pagePath;
    Array.prototype.forEach.call(root.querySelectorAll("form"), function (form) {
      if (!pagePath || form.querySelector('input[name="source"]')) return;
      var source = document.createElement("input");
      source.type = "hidden";
      source.name = "source";
      source.value = pagePath();
      form.appendChild(source);
    });
    var dismissed = false;
    function dismiss() {
      if (dismissed) return;
      dismissed = true;
      if (!preview) {
        state.dismissed[appeal.id] = today;
        save();
      }
      count(appeal, variant, "dismiss");
      if (root.tagName === "DIALOG") { if (root.open) root.close(); } else root.remove();
    }
    root.addEventListener("submit", function (event) {
      count(appeal, variant, "click");
      var form = event.target;
      var query = new URLSearchParams(new FormData(form)).toString();
      go(event, form.getAttribute("action") + (query ? "?" + query : ""));
    });
    root.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("[data-appeal-snooze], [data-appeal-dismiss]") : null;
      if (!target) return;
      if (target.hasAttribute("data-appeal-dismiss")) {
        dismiss();
      } else {
        if (!preview) {
          state.snoozed = today + (doc.snoozeDays || 30);
          save();
        }
        count(appeal, variant, "snooze");
        go(event, target.getAttribute("href"));
      }
    });
    if (appeal.placement === "banner") {
      root.addEventListener("keydown", function (event) { if (event.key === "Escape") dismiss(); });
    }
    whenNear(lazy && root, "0px", function () {
      if (!preview) {
        (state.views[appeal.id] = state.views[appeal.id] || []).push(today);
        save();
      }
      count(appeal, variant, "view");
      root.setAttribute("data-appeal-viewed", "");
    });
    if (root.tagName === "DIALOG") openDialog(root, dismiss);
  }

  function hideFallback() {
    var fallback = slot.querySelector("[data-appeals-fallback]");
    if (fallback) fallback.hidden = true;
  }

  // The appeal's own styles, fetched only when an appeal is shown.
  function withStyles(done) {
    var called = false;
    function once() { if (!called) { called = true; done(); } }
    if (!doc.css || document.querySelector("link[data-appeals-css]")) return once();
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = fromRoot(doc.css);
    link.setAttribute("data-appeals-css", "");
    link.onload = link.onerror = once;
    setTimeout(once, 3000);
    document.head.appendChild(link);
  }

  function finish(outcome) {
    slot.setAttribute("data-appeals-ready", outcome);
  }

  function decide(file) {
    doc = file;
    if (!isObject(doc) || doc.format !== 1 || !Array.isArray(doc.appeals)) return finish("invalid");
    var reader = {
      supporter: cookieHolds(doc.supporterCookie),
      snoozed: state.snoozed > today || cookieHolds(doc.snoozeCookie) || storedHolds(doc.snoozeStore)
    };
    var chosen = {};
    doc.appeals.forEach(function (appeal) {
      if (!isObject(appeal) || chosen[appeal.placement]) return;
      if (!preview && (reader.snoozed || !eligible(appeal, reader))) return;
      var variant = pickVariant(appeal);
      if (variant) chosen[appeal.placement] = [appeal, variant];
    });
    if (reader.supporter || reader.snoozed) hideFallback();
    var order = ["article", "banner", "dialog"].filter(function (p) { return chosen[p]; });
    if (!order.length) return finish("none");
    // The site's own stylesheet already styles the end-of-article appeal; the banner and the
    // dialog need appeals.css, fetched only for them.
    var styled = order.length === 1 && order[0] === "article" ? function (fn) { fn(); } : withStyles;
    styled(function () {
      try {
        order.forEach(function (p) { show(chosen[p]); });
        finish(order.join(" "));
      } catch (e) {
        finish("error");
      }
    });
  }

  try {
    state = load();
    countRead();
    if (!preview) save();
    if (preview) {
      decide(JSON.parse(previewNode.textContent));
    } else {
      window.fetch(fromRoot(slot.getAttribute("data-appeals")), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(decide)
        .catch(function () { finish("error"); });
    }
  } catch (e) {
    finish("error");
  }
})();
