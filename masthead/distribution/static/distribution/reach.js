// Forms that post (newsletter signup, contributions, reminders) need the app, and a copy of
// the site may have no app behind it: a mirror on object storage, an onion copy, a folder
// opened from disk. Before such a form is sent, this script finds an origin that answers
// (this one if it has the app, then the API origins named in <meta name="masthead:api">) and
// sends the form there, or hands it on to the form's own script, which can ask for the same
// origin with window.masthead.reachableOrigin(). When none answers it says so, and offers
// other ways in: email, the mirrors, the onion address.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = new URL("../../", script.src); // this file lives at <root>/static/distribution/
  var PROBE = "/api/reach";
  var TIMEOUT_MS = 6000;
  var meta = document.querySelector('meta[name="masthead:api"]');
  var apiOrigins = meta ? meta.getAttribute("content").split(/\s+/).filter(Boolean) : [];

  function candidates() {
    var list = [];
    if (window.location.protocol === "http:" || window.location.protocol === "https:") {
      list.push(window.location.origin);
    }
    apiOrigins.forEach(function (origin) {
      if (list.indexOf(origin) === -1) list.push(origin);
    });
    return list;
  }

  function probe(origin) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, TIMEOUT_MS);
    return fetch(origin + PROBE, {
      mode: "cors",
      credentials: "omit",
      cache: "no-store",
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      clearTimeout(timer);
      if (!response.ok) throw new Error("no app at " + origin);
      return origin;
    }, function (error) {
      clearTimeout(timer);
      throw error;
    });
  }

  var found = null; // [origin, time] of the last origin that answered
  var REMEMBER_MS = 60000;

  function reachableOrigin() {
    if (found && Date.now() - found[1] < REMEMBER_MS) return Promise.resolve(found[0]);
    var list = candidates();
    return list.reduce(function (chain, origin) {
      return chain.catch(function () { return probe(origin); });
    }, Promise.reject(new Error("start"))).then(function (origin) {
      found = [origin, Date.now()];
      return origin;
    }, function () {
      found = null;
      var error = new Error("No API origin can be reached");
      error.tried = list;
      throw error;
    });
  }

  function ours(url) {
    return url.origin === window.location.origin || apiOrigins.indexOf(url.origin) !== -1 ||
      window.location.protocol === "file:";
  }

  function loadAlternatives(done) {
    if (window.mastheadAlternatives) return done(window.mastheadAlternatives);
    var element = document.createElement("script");
    element.src = new URL("mirrors.js", root).href;
    element.onload = function () { done(window.mastheadAlternatives || null); };
    element.onerror = function () { done(null); };
    document.head.appendChild(element);
  }

  function add(parent, tag, text, className) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    parent.appendChild(node);
    return node;
  }

  function link(parent, href, text) {
    var a = add(parent, "a", text);
    a.href = href;
    return a;
  }

  function showUnreachable(form, tried) {
    var old = form.parentNode.querySelector(".reach-notice");
    if (old) old.remove();
    var notice = document.createElement("div");
    notice.className = "reach-notice";
    notice.setAttribute("role", "alert");
    add(notice, "p", "We could not reach our server" + (tried.length ? " (" + tried.join(", ") + ")" : "") +
      ". It may be blocked where you are, or you may be offline. Your details were not sent.", "reach-notice__lead");
    var list = add(notice, "ul", "", "reach-notice__ways");
    form.parentNode.insertBefore(notice, form.nextSibling);
    loadAlternatives(function (data) {
      if (data && data.email) {
        var item = add(list, "li", "Write to us: ");
        link(item, "mailto:" + data.email, data.email);
      }
      var addresses = [];
      if (data && data.main) addresses.push({ url: data.main, proto: "https" });
      (data && data.alternatives || []).forEach(function (alternative) { addresses.push(alternative); });
      addresses.forEach(function (alternative) {
        var item = add(list, "li", alternative.proto === "tor" ? "In Tor Browser: " : "Try this address: ");
        link(item, alternative.url, alternative.url);
      });
      if (!list.children.length) {
        add(list, "li", "Try again later, or from another connection (a VPN or Tor Browser).");
      }
    });
  }

  // Capture phase, on the document: this runs before any script of the form's own, which
  // only sees the submission once an origin that answers has been found.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    if (form.dataset.mastheadReached === "1") {
      // Found below and submitted again: let it go, to the form's own script or the browser.
      setTimeout(function () { delete form.dataset.mastheadReached; }, 0);
      return;
    }
    var action = new URL(form.getAttribute("action") || "", window.location.href);
    if (!ours(action)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter || null;
    var path = action.pathname + action.search;
    if (submitter) submitter.disabled = true;
    reachableOrigin().then(function (origin) {
      if (submitter) submitter.disabled = false;
      form.action = origin + path;
      form.dataset.mastheadReached = "1";
      if (form.requestSubmit) {
        form.requestSubmit(submitter);
      } else {
        form.submit();
      }
    }, function (error) {
      if (submitter) submitter.disabled = false;
      showUnreachable(form, error.tried || []);
    });
  }, true);

  window.masthead = window.masthead || {};
  window.masthead.reachableOrigin = reachableOrigin;
})();
