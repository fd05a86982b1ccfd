// Beacons to the app, from any copy of the site: readership hits (figures.js) and appeal
// counters (appeals.js) go through here. A beacon is posted to this page's own origin when it
// has the app, else to the API origins named in <meta name="masthead:api">. When none can be
// reached (a copy opened from disk, a blocked API origin, no connection) it is kept in this
// browser and sent with a later page: at most MAX_ENTRIES beacons, none older than KEEP_DAYS,
// each tried at most MAX_TRIES times. A kept beacon holds the form fields and its time,
// nothing else: no identifier of the reader or the browser.
(function () {
  "use strict";
  var STORE = "masthead.queue";
  var DAY = 864e5;
  var KEEP_DAYS = 7;
  var MAX_ENTRIES = 200;
  var MAX_TRIES = 5;
  var SEND_AT_ONCE = 20;
  var meta = document.querySelector('meta[name="masthead:api"]');
  var apiOrigins = meta ? meta.getAttribute("content").split(/\s+/).filter(Boolean) : [];
  var working = null; // the origin that took the last beacon of this page

  function origins() {
    var list = [];
    if (location.protocol === "http:" || location.protocol === "https:") list.push(location.origin);
    apiOrigins.forEach(function (origin) { if (list.indexOf(origin) === -1) list.push(origin); });
    if (working && list.indexOf(working) > 0) list.splice(list.indexOf(working), 1);
    if (working && list[0] !== working) list.unshift(working);
    return list;
  }

  function storage() {
    try { return window.localStorage || null; } catch (e) { return null; }
  }
  function load() {
    var store = storage();
    try {
      var list = store ? JSON.parse(store.getItem(STORE)) : null;
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }
  function save(list) {
    var store = storage();
    try {
      if (!store) return;
      if (list.length) store.setItem(STORE, JSON.stringify(list)); else store.removeItem(STORE);
    } catch (e) { /* full or disabled: the beacon is lost, never the page */ }
  }
  function fresh(entry, now) {
    return entry && typeof entry.u === "string" && entry.u.charAt(0) === "/" &&
      entry.f && typeof entry.f === "object" && typeof entry.t === "number" &&
      entry.t > now - KEEP_DAYS * DAY && entry.t <= now + DAY && (entry.n || 0) < MAX_TRIES;
  }

  // "sent", "refused" (the app answered and will never take it) or "unreachable".
  function post(origin, path, fields) {
    var body = new URLSearchParams();
    Object.keys(fields).forEach(function (k) { body.set(k, String(fields[k])); });
    return window.fetch(origin + path, {
      method: "POST", body: body, keepalive: true, mode: "cors", credentials: "omit", cache: "no-store"
    }).then(function (response) {
      if (response.ok) return "sent";
      return [400, 413, 415, 429].indexOf(response.status) >= 0 ? "refused" : "unreachable";
    }, function () { return "unreachable"; });
  }

  function deliver(path, fields) {
    return origins().reduce(function (chain, origin) {
      return chain.then(function (outcome) {
        if (outcome !== "unreachable") return outcome;
        return post(origin, path, fields).then(function (result) {
          if (result === "sent") working = origin;
          return result;
        });
      });
    }, Promise.resolve("unreachable"));
  }

  function keep(path, fields, now) {
    var list = load().filter(function (entry) { return fresh(entry, now); });
    list.push({ u: path, f: fields, t: now, n: 0 });
    save(list.slice(-MAX_ENTRIES));
  }

  function send(path, fields) {
    var now = Date.now();
    try {
      deliver(path, fields).then(function (outcome) {
        if (outcome === "unreachable") keep(path, fields, now);
      }).catch(function () {});
    } catch (e) { /* best effort */ }
  }

  // Beacons kept by earlier pages, oldest first. They are taken out of storage before they
  // are sent (another tab does not send them twice) and put back if the app is still away.
  function flush() {
    var now = Date.now();
    var list = load().filter(function (entry) { return fresh(entry, now); });
    if (!list.length) return save(list);
    var batch = list.slice(0, SEND_AT_ONCE);
    save(list.slice(SEND_AT_ONCE));
    var back = [];
    var stopped = false;
    batch.reduce(function (chain, entry, i) {
      return chain.then(function () {
        if (stopped) return null;
        var fields = {};
        Object.keys(entry.f).forEach(function (k) { fields[k] = entry.f[k]; });
        if (entry.u === "/figures/hit") fields.d = Math.min(Math.floor((now - entry.t) / DAY), KEEP_DAYS);
        return deliver(entry.u, fields).then(function (outcome) {
          if (outcome !== "unreachable") return;
          // Still away: this one and the rest go back, to be tried with a later page.
          stopped = true;
          entry.n = (entry.n || 0) + 1;
          back = batch.slice(i);
        });
      });
    }, Promise.resolve()).then(function () {
      if (!back.length) return;
      save(back.concat(load()).filter(function (e) { return fresh(e, now); }).slice(-MAX_ENTRIES));
    }).catch(function () {});
  }

  window.masthead = window.masthead || {};
  window.masthead.queue = { send: send, flush: flush, store: STORE };
  if (document.readyState === "complete") setTimeout(flush, 0);
  else window.addEventListener("load", function () { setTimeout(flush, 0); });
})();
