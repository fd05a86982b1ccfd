// After django-otp-webauthn registers a passkey on the enrolment page, go on to the page
// named by the button (the recovery codes, at the first enrolment). First-party file: the
// admin's pages need no inline script for this.
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const button = event.target.closest("[data-after-register-url]");
  if (button) {
    window.location.assign(button.dataset.afterRegisterUrl);
  }
});
