// Readership figures: one beacon per page view, sent through the shared queue (queue.js) to
// /figures/hit. It says which page (its canonical path), in which edition language (the
// page's <html lang>) and what KIND of page the reader came from, decided here from the
// referrer: the referrer itself never leaves the browser. No cookie, no identifier, nothing
// stored beyond the queue's bounded beacons while the app cannot be reached.
(function () {
  "use strict";
  var queue = window.masthead && window.masthead.queue;

  function within(host, domains) {
    for (var i = 0; i < domains.length; i++) {
      var d = domains[i];
      if (host === d || host.slice(-(d.length + 1)) === "." + d) return true;
    }
    return false;
  }

  var SOCIAL = [
    ["facebook", ["facebook.com", "fb.com", "fb.me", "messenger.com"]],
    ["x", ["x.com", "twitter.com", "t.co"]],
    ["vk", ["vk.com", "vk.ru", "vkontakte.ru"]],
    ["ok", ["ok.ru", "odnoklassniki.ru"]],
    ["instagram", ["instagram.com"]],
    ["linkedin", ["linkedin.com", "lnkd.in"]],
    ["reddit", ["reddit.com", "redd.it"]],
    ["youtube", ["youtube.com", "youtu.be"]],
    ["bluesky", ["bsky.app", "bsky.social"]],
    ["threads", ["threads.net", "threads.com"]],
    ["whatsapp", ["whatsapp.com", "wa.me"]],
    ["mastodon", ["mastodon.social", "mastodon.online", "mstdn.social", "mas.to", "infosec.exchange"]]
  ];
  var TELEGRAM = ["t.me", "telegram.me", "telegram.org", "telegram.dog"];
  var EMAIL = [
    "mail.google.com", "outlook.live.com", "outlook.office.com", "outlook.office365.com",
    "mail.yahoo.com", "mail.yandex.ru", "mail.yandex.com", "e.mail.ru", "mail.proton.me",
    "mail.protonmail.com", "app.tuta.com", "mail.tutanota.com", "mail.rambler.ru", "mail.aol.com",
    "mail.zoho.com", "webmail"
  ];
  var SEARCH = [
    "bing.com", "duckduckgo.com", "search.yahoo.com", "ya.ru", "baidu.com", "ecosia.org",
    "startpage.com", "search.brave.com", "qwant.com", "kagi.com", "go.mail.ru", "yahoo.com",
    "naver.com", "seznam.cz", "sogou.com"
  ];

  // The kind of page the reader came from; the same list as figures/classify.py.
  function referrerKind(referrer, here) {
    var query = new URLSearchParams(here.search || "");
    var medium = (query.get("utm_medium") || "").toLowerCase();
    var source = (query.get("utm_source") || "").toLowerCase();
    if (medium === "email" || medium === "newsletter" || source === "newsletter") return "email";
    if (source === "telegram") return "telegram";
    if (!referrer) return "none";
    var url;
    try { url = new URL(referrer); } catch (e) { return "other"; }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return url.protocol === "android-app:" && /telegram/.test(url.href) ? "telegram" : "other";
    }
    var host = url.hostname.toLowerCase().replace(/^(www|m|l|lm|mobile|out|old)\./, "");
    if (url.origin === here.origin) return "internal";
    if (within(host, TELEGRAM) || host === "web.telegram.org") return "telegram";
    if (within(host, EMAIL) || /^webmail\./.test(host)) return "email";
    if (/(^|\.)google\.[a-z.]{2,6}$/.test(host) || /(^|\.)yandex\.[a-z.]{2,6}$/.test(host) ||
        within(host, SEARCH)) return "search";
    for (var i = 0; i < SOCIAL.length; i++) {
      if (within(host, SOCIAL[i][1])) return "social-" + SOCIAL[i][0];
    }
    if (/(^|\.)(mastodon|mstdn)\./.test(host)) return "social-mastodon";
    return "other";
  }

  // The page's own path on the site (a copy on disk or under a sub-path has another one).
  function pagePath() {
    var canonical = document.querySelector('link[rel="canonical"]');
    if (canonical) {
      try { return new URL(canonical.href).pathname; } catch (e) { /* fall through */ }
    }
    return location.pathname;
  }

  window.masthead = window.masthead || {};
  window.masthead.referrerKind = referrerKind;
  window.masthead.pagePath = pagePath;
  if (!queue || document.documentElement.hasAttribute("data-figures-off")) return;
  try {
    queue.send("/figures/hit", {
      p: pagePath(),
      l: document.documentElement.lang || "",
      r: referrerKind(document.referrer, location)
    });
  } catch (e) { /* counting is best effort */ }
})();
