// Reader revenue in the browser. Pages are the same for every reader; this script decides
// what differs, from two first-party cookies that hold a date and nothing else:
//   mh_supporter=until:YYYY-MM-DD      this browser gave: no appeals until then
//   mh_appeal_snooze=until:YYYY-MM-DD  the reader asked to be reminded: no appeals until then
// A copy of the site on another origin than the app's (a mirror, a sub-path copy, a folder on
// disk) cannot read the snooze cookie, which the app sets on its own origin: the reminder form
// also keeps the date in this origin's localStorage (SNOOZE_STORE, the cookie's format).
// It also makes the contribution form instant: checks amounts as they are typed, shows what
// will be charged, and sends the form without leaving the page until it is accepted.
(function () {
  "use strict";

  var SNOOZE_STORE = "masthead.snooze"; // supporters.cookies.SNOOZE_STORE
  var MAX_SNOOZE_DAYS = 366;

  // --- Appeals: hidden for supporters and snoozed readers -----------------------------------

  function localStore() {
    try { return window.localStorage || null; } catch (e) { return null; }
  }

  function cookieValue(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return decodeURIComponent(parts[i].slice(eq + 1));
    }
    return null;
  }

  function isoDate(date) {
    var month = String(date.getMonth() + 1).padStart(2, "0");
    var day = String(date.getDate()).padStart(2, "0");
    return date.getFullYear() + "-" + month + "-" + day;
  }

  function today() {
    return isoDate(new Date());
  }

  // A cookie counts while its date has not passed; a bare value counts while it lives.
  function stillValid(name) {
    var value = cookieValue(name);
    if (value === null) return false;
    var match = /^until:(\d{4}-\d{2}-\d{2})$/.exec(value);
    return match ? match[1] >= today() : value !== "";
  }

  // The snooze this origin keeps: a date, from today to MAX_SNOOZE_DAYS ahead; anything else
  // is forgotten.
  function snoozedHere() {
    var store = localStore();
    var value = null;
    try { value = store ? store.getItem(SNOOZE_STORE) : null; } catch (e) { return false; }
    if (value === null) return false;
    var match = /^until:(\d{4}-\d{2}-\d{2})$/.exec(value);
    var last = new Date();
    last.setDate(last.getDate() + MAX_SNOOZE_DAYS);
    if (match && match[1] >= today() && match[1] <= isoDate(last)) return true;
    try { store.removeItem(SNOOZE_STORE); } catch (e) { /* disabled */ }
    return false;
  }

  // The reminder's date as the app computes it (services.reminders.months_later): the same
  // day so many months on, or the last day of a shorter month.
  function monthsLater(months) {
    var now = new Date();
    var first = new Date(now.getFullYear(), now.getMonth() + months, 1);
    var last = new Date(first.getFullYear(), first.getMonth() + 1, 0).getDate();
    return new Date(first.getFullYear(), first.getMonth(), Math.min(now.getDate(), last));
  }

  // Sent (reach.js has found the app and lets the form go): this origin remembers the date
  // too. The address stays in the form; only the date is kept.
  function rememberSnooze(form) {
    var chosen = form.querySelector("input[name=when]:checked");
    var months = chosen ? parseInt(chosen.getAttribute("data-months"), 10) : NaN;
    var store = localStore();
    if (!store || !(months > 0 && months <= 12)) return;
    try { store.setItem(SNOOZE_STORE, "until:" + isoDate(monthsLater(months))); } catch (e) { /* full or disabled */ }
  }

  document.querySelectorAll("form[data-reminder-form]").forEach(function (form) {
    form.addEventListener("submit", function () { rememberSnooze(form); });
  });

  if (stillValid("mh_supporter") || stillValid("mh_appeal_snooze") || snoozedHere()) {
    document.querySelectorAll("[data-support-appeal]").forEach(function (appeal) {
      appeal.hidden = true;
    });
  }

  // --- The contribution form ----------------------------------------------------------------

  var SYMBOLS = { USD: "$", EUR: "€", GBP: "£" };

  // As the page's language writes money ("$12.50", "12,50 $"); whole amounts without cents.
  function money(minor, currency) {
    var cents = minor % 100;
    try {
      return new Intl.NumberFormat(document.documentElement.lang || "en", {
        style: "currency",
        currency: currency,
        currencyDisplay: "narrowSymbol",
        minimumFractionDigits: cents ? 2 : 0,
        maximumFractionDigits: 2,
      }).format(minor / 100);
    } catch (error) {
      var major = Math.floor(minor / 100);
      return (SYMBOLS[currency] || "") + major + (cents ? "." + String(cents).padStart(2, "0") : "");
    }
  }

  // The form's words (data-text-* on the form), in the page's language.
  function say(form, name, amount) {
    return (form.getAttribute("data-text-" + name) || "").split("{amount}").join(amount || "");
  }

  function parseAmount(text) {
    var cleaned = String(text || "").replace(/[\s\u00a0$€£]/g, "");
    if (!/^\d{1,9}([.,]\d{1,2})?$/.test(cleaned)) return null;
    return Math.round(parseFloat(cleaned.replace(",", ".")) * 100);
  }

  function randomKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function enhance(form) {
    var keyInput = form.querySelector("[data-idempotency-key]");
    var custom = form.querySelector("[name=custom_amount]");
    var summary = form.querySelector("[data-summary]");
    var button = form.querySelector("button[type=submit]");
    // One key per filled-in form: a double click or a retry sends the same one.
    keyInput.value = randomKey();

    function checked(name) {
      var input = form.querySelector("input[name=" + name + "]:checked");
      return input ? input.value : "";
    }
    function group() {
      return form.querySelector(
        '.contribution-form__amounts[data-frequency="' + checked("frequency") +
        '"][data-currency="' + checked("currency") + '"]'
      );
    }
    function chosenAmount() {
      if (custom.value.trim()) return parseAmount(custom.value);
      var g = group();
      var radio = g && g.querySelector("input:checked");
      return radio ? parseAmount(radio.value) : null;
    }
    function errorBox(field) {
      return form.querySelector('[data-error-for~="' + field + '"]');
    }
    function showError(field, message) {
      var box = errorBox(field);
      if (!box) return;
      box.textContent = message || "";
      box.hidden = !message;
      var input = field === "amount" || field === "custom_amount" ? custom : form.querySelector("[name=" + field + "]");
      if (input && input.type !== "radio") {
        if (message) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      }
    }
    function amountProblem() {
      var amount = chosenAmount();
      if (amount === null) {
        return say(form, custom.value.trim() ? "not-a-number" : "no-amount");
      }
      var g = group();
      var minimum = g ? parseInt(g.dataset.minimum, 10) : 0;
      if (amount < minimum) {
        return say(form, "minimum-" + checked("frequency"), money(minimum, checked("currency")));
      }
      return "";
    }
    function update() {
      // Offline methods take one-off gifts only: move to one that takes this frequency.
      var method = form.querySelector("input[name=method]:checked");
      if (method && checked("frequency") !== "once" && method.closest("[data-once-only]")) {
        var other = form.querySelector("label:not([data-once-only]) > input[name=method]");
        if (other) other.checked = true;
      }
      var amount = chosenAmount();
      if (amount === null || amountProblem()) {
        summary.textContent = "";
        return;
      }
      var fees = form.querySelector("[name=cover_fees]");
      var total = amount;
      if (fees && fees.checked) {
        var percent = parseFloat(fees.closest("label").textContent.replace(/[^0-9.]/g, "")) || 0;
        total = amount + Math.ceil((amount * percent) / 100);
      }
      summary.textContent = say(form, "give-" + checked("frequency"), money(total, checked("currency")));
    }

    custom.addEventListener("input", function () {
      if (custom.value.trim()) {
        form.querySelectorAll(".contribution-form__amounts input:checked").forEach(function (radio) {
          radio.checked = false;
        });
      }
      if (!errorBox("amount").hidden) showError("amount", amountProblem());
      update();
    });
    custom.addEventListener("blur", function () {
      if (custom.value.trim()) showError("amount", amountProblem());
    });
    form.addEventListener("change", function (event) {
      if (event.target.closest(".contribution-form__amounts")) {
        custom.value = "";
        showError("amount", "");
      }
      if (event.target.name === "email") showError("email", "");
      update();
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) return;
      var problem = amountProblem();
      showError("amount", problem);
      var email = form.querySelector("[name=email]");
      var emailProblem = email.value.trim() ? (email.checkValidity() ? "" : say(form, "email-invalid")) : say(form, "email-missing");
      showError("email", emailProblem);
      showError("form", "");
      if (problem || emailProblem) {
        (problem ? custom : email).focus();
        return;
      }
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().then(function (data) {
            return { status: response.status, data: data };
          });
        })
        .then(function (answer) {
          if (answer.data.next) {
            // Relative to where the form went: on a static copy, the API origin.
            window.location.assign(new URL(answer.data.next, form.action).href);
            return;
          }
          button.disabled = false;
          var errors = answer.data.errors || {};
          Object.keys(errors).forEach(function (field) {
            var name = field === "custom_amount" ? "amount" : field;
            showError(errorBox(name) ? name : "form", errors[field]);
          });
          if (answer.data.error) showError("form", answer.data.error);
        })
        .catch(function () {
          // The instant path failed (network, an old browser): send it the plain way.
          form.submit();
        });
    });
    form.setAttribute("novalidate", "");
    update();
  }

  document.querySelectorAll("form[data-contribution-form]").forEach(enhance);
})();
