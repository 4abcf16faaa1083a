// Small progressive enhancements. The site works fully without this file.

// Site alert: "Hide this message" hides it in place. Without this script the form posts and
// the server redirects back; if the background request fails, the form is sent the same way.
(() => {
  "use strict";

  const form = document.querySelector("[data-site-alert-dismiss]");
  if (!form || !window.fetch) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then((response) => {
        if (!response.ok) throw new Error(`Hiding the alert failed: ${response.status}`);
        form.closest("[data-site-alert]").hidden = true;
        // The button has gone: put focus at the start of the main content.
        document.getElementById("main-content")?.focus();
      })
      .catch(() => form.submit());
  });
})();
