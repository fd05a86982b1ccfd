// Newsletter signup in place. Without this script the form posts and the server answers with
// a page; with it, the same request is sent in the background and the answer shown in the
// form's status line. First-party, no dependencies.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function setup(form) {
    if (form.dataset.signupReady) return;
    form.dataset.signupReady = "1";
    var status = form.querySelector("[data-signup-status]");
    var button = form.querySelector("button[type=submit]");

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      status.classList.remove("is-error");
      status.textContent = form.dataset.textSending || "";
      // On a static copy (mirror, offline bundle) the site's shared script finds an origin
      // where the app answers; on the main site that is this one.
      var finder = window.masthead && window.masthead.reachableOrigin;
      var origin = finder ? finder() : Promise.resolve("");
      var path = new URL(form.getAttribute("action"), window.location.href).pathname;
      origin
        .then(function (base) {
          return fetch((base || "") + path, {
            method: "POST",
            body: new FormData(form),
            headers: { Accept: "application/json" },
            credentials: "omit",
          });
        })
        .then(function (response) {
          return response.json().then(function (data) {
            return { ok: response.ok, data: data };
          });
        })
        .then(function (result) {
          status.textContent = result.data.message || form.dataset.textFailed || "";
          if (result.ok) {
            form.querySelector("input[type=email]").value = "";
          } else {
            status.classList.add("is-error");
          }
        })
        .catch(function () {
          // No usable answer (offline, a proxy's error page): let the browser post the form.
          form.submit();
        })
        .finally(function () {
          button.disabled = false;
        });
    });
  }

  function init() {
    document.querySelectorAll("form[data-newsletter-signup]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
