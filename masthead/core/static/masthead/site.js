// Masthead's first-party page script. Public pages are identical for every reader; anything
// that differs between readers is decided here, in the browser.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
})();
