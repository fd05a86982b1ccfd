// Masthead's first-party page script. Public pages are identical for every reader; anything
// that differs between readers is decided here, in the browser.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // "Copy link" in an article's Share block: the address this copy is read at (a mirror's,
  // the onion service's), taken when clicked.
  function copied(item, ok, address) {
    var button = item.querySelector("button");
    var status = item.closest(".share").querySelector("[role=status]");
    status.textContent = ok ? button.dataset.copied : button.dataset.failed + " " + address;
  }
  function copyLink(item) {
    var address = window.location.href.split("#")[0];
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(address).then(
        function () { copied(item, true, address); },
        function () { copied(item, false, address); }
      );
      return;
    }
    // Plain http (an onion service): the older way, through a selected field.
    var field = document.createElement("textarea");
    field.value = address;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    document.body.removeChild(field);
    copied(item, ok, address);
  }
  document.querySelectorAll("[data-share-copy]").forEach(function (item) {
    item.hidden = false;
    item.querySelector("button").addEventListener("click", function () { copyLink(item); });
  });
})();
