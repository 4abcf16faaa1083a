// Setting up two-step sign-in: once django-otp-webauthn has added the passkey (and signed the session in with
// it), go on to the recovery codes. Without this the page would only say the passkey was added.
(() => {
  "use strict";
  document.addEventListener("otp_webauthn.register_complete", () => {
    const section = document.querySelector("[data-after-passkey]");
    if (section) {
      window.location.assign(section.dataset.afterPasskey);
    }
  });
})();
