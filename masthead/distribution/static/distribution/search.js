// Search without a server. Over HTTP(S): Pagefind's interface over the index built with the
// site (/pagefind/). From a copy opened from disk (file://) the browser refuses the fetches
// Pagefind needs, so the page searches headlines and summaries from a script instead.
(function () {
  "use strict";
  var script = document.currentScript;
  // This file lives at <site root>/static/distribution/: the site root is two levels up,
  // wherever the copy is served from (a domain, a sub-path, a folder on disk).
  var root = new URL("../../", script.src);

  function load(src, done, failed) {
    var element = document.createElement("script");
    element.src = src;
    element.onload = done;
    element.onerror = failed;
    document.head.appendChild(element);
  }

  function query() {
    try {
      return new URLSearchParams(window.location.search).get("q") || "";
    } catch (error) {
      return "";
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function fold(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  // The page's words (data-text-* on the search box), in its language.
  function text(box, name) {
    return box.getAttribute("data-text-" + name) || "";
  }

  // "3 статьи найдены": the form of the page's language for this count (Intl.PluralRules'
  // category), written in the page with an example number that is replaced here.
  var EXAMPLES = { one: "1", few: "3", many: "5", other: "100" };
  function found(box, count) {
    var category = "other";
    try {
      category = new Intl.PluralRules(document.documentElement.lang || "en").select(count);
    } catch (error) { /* an unknown language: "other" */ }
    if (!EXAMPLES[category]) category = "other";
    return text(box, "found-" + category).replace(EXAMPLES[category], String(count));
  }

  function offline(box, reason) {
    box.textContent = "";
    box.appendChild(element("p", "search__note", reason));
    load(new URL("search/offline-index.js", root).href, function () {
      // The index holds every edition's articles: this page's edition's are listed.
      var language = (document.documentElement.lang || "").split("-")[0];
      var entries = (window.mastheadOfflineIndex || []).filter(function (entry) {
        return !entry.lang || !language || entry.lang.split("-")[0] === language;
      });
      var form = element("form", "search__form");
      form.setAttribute("role", "search");
      var label = element("label", "visually-hidden", text(box, "label"));
      label.htmlFor = "offline-search";
      var input = element("input");
      input.type = "search";
      input.id = "offline-search";
      input.placeholder = text(box, "label");
      var button = element("button", "", text(box, "button"));
      button.type = "submit";
      form.append(label, input, button);
      var status = element("p", "search__meta");
      status.setAttribute("role", "status");
      var list = element("ol", "search__results");
      box.append(form, status, list);

      function run() {
        var words = fold(input.value).split(/\s+/).filter(Boolean);
        list.textContent = "";
        if (!words.length) {
          status.textContent = "";
          return;
        }
        var matches = entries.filter(function (entry) {
          var haystack = fold([entry.title, entry.standfirst, entry.section].join(" "));
          return words.every(function (word) { return haystack.indexOf(word) !== -1; });
        });
        status.textContent = found(box, matches.length);
        matches.slice(0, 100).forEach(function (entry) {
          var item = element("li");
          var link = element("a", "", entry.title);
          // On disk a folder does not open its index.html by itself.
          var path = entry.url.replace(/^\//, "");
          link.href = new URL(path + (path.endsWith("/") || !path ? "index.html" : ""), root).href;
          item.append(link, element("p", "search__meta", [entry.section, entry.date].filter(Boolean).join(" · ")), element("p", "", entry.standfirst));
          list.appendChild(item);
        });
      }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        run();
      });
      input.value = query();
      run();
    }, function () {
      box.appendChild(element("p", "", text(box, "no-index")));
    });
  }

  function start() {
    var box = document.getElementById("search");
    if (!box) return;
    if (window.location.protocol === "file:") {
      offline(box, text(box, "copy"));
      return;
    }
    // The index and its stylesheet exist only in built copies, so both are asked for from here
    // rather than linked from the page: a server without a build answers no broken link.
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = new URL("pagefind/pagefind-ui.css", root).href;
    document.head.appendChild(style);
    function unavailable() {
      offline(box, text(box, "unavailable"));
    }
    load(new URL("pagefind/pagefind-ui.js", root).href, function () {
      if (typeof window.PagefindUI !== "function") {
        unavailable();
        return;
      }
      // The index comes in parts (older articles in pagefind/part-N/), listed by a script.
      function begin() {
        var parts = window.mastheadSearchParts || [];
        var ui = new window.PagefindUI({
          element: "#search",
          bundlePath: new URL("pagefind/", root).pathname,
          baseUrl: root.pathname,
          mergeIndex: parts.map(function (part) {
            return { bundlePath: new URL("pagefind/" + part, root).pathname, baseUrl: root.pathname };
          }),
          showImages: false,
          showSubResults: true,
          resetStyles: false,
        });
        var q = query();
        if (q) ui.triggerSearch(q);
      }
      load(new URL("pagefind/masthead-parts.js", root).href, begin, begin);
    }, unavailable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
