// The card step: Stripe's own card fields (Stripe.js, loaded only on this page) confirm a
// SetupIntent in the browser, 3-D Secure included; the page then posts only its id to us.
(function () {
  "use strict";

  function showError(form, message) {
    var box = form.querySelector("[data-card-error]");
    box.textContent = message;
    box.hidden = false;
  }

  function setBusy(form, busy) {
    var button = form.querySelector("[data-card-submit]");
    if (button) button.disabled = busy;
  }

  if (typeof window.Stripe !== "function") {
    document.querySelectorAll("[data-stripe-card], [data-stripe-confirm]").forEach(function (form) {
      showError(form, "The card form could not be loaded. Please reload the page, or pay another way.");
      setBusy(form, true);
    });
    return;
  }

  var cardForm = document.querySelector("form[data-stripe-card]");
  if (cardForm) {
    var stripe = window.Stripe(cardForm.dataset.publishableKey);
    var card = stripe.elements().create("card");
    card.mount(cardForm.querySelector("[data-card-element]"));
    cardForm.addEventListener("submit", function (event) {
      event.preventDefault();
      setBusy(cardForm, true);
      stripe
        .confirmCardSetup(cardForm.dataset.clientSecret, { payment_method: { card: card } })
        .then(function (result) {
          if (result.error) {
            showError(cardForm, result.error.message || "Your card could not be used. Please check it and try again.");
            setBusy(cardForm, false);
            return;
          }
          cardForm.querySelector("[name=setup_intent]").value = result.setupIntent.id;
          cardForm.submit();
        });
    });
  }

  var confirmForm = document.querySelector("form[data-stripe-confirm]");
  if (confirmForm) {
    var stripeConfirm = window.Stripe(confirmForm.dataset.publishableKey);
    confirmForm.addEventListener("submit", function (event) {
      event.preventDefault();
      setBusy(confirmForm, true);
      // Whatever the bank answers, the server reads the outcome from Stripe.
      stripeConfirm.confirmCardPayment(confirmForm.dataset.clientSecret).then(function () {
        confirmForm.submit();
      });
    });
  }
})();
