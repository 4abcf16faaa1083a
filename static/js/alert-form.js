// The site alert form in the admin. The form works fully without this file: both kinds' fields show, grouped
// and labelled by kind, and the "Preview" button shows how the alert reads.
// With it: only the chosen kind's fields show, the preview follows as staff type, and Django's "You are N hours
// behind server time" note is taken away (every time here is New Zealand time, and the form says so).
(() => {
  "use strict";

  const form = document.getElementById("sitealert_form");
  if (!form) return;

  // Only the fields for the chosen kind.
  const kind = form.querySelector("#id_kind");
  const showChosenKind = () => {
    for (const fieldset of form.querySelectorAll("fieldset.alert-kind")) {
      fieldset.hidden = Boolean(kind) && !fieldset.classList.contains(`alert-kind-${kind.value}`);
    }
  };
  if (kind) {
    kind.addEventListener("change", showChosenKind);
    showChosenKind();
  }

  // The admin's calendar script adds its time zone note when the page has loaded: this runs after it.
  window.addEventListener("load", () => {
    for (const note of form.querySelectorAll(".timezonewarning")) note.remove();
  });

  // The preview, fetched from the server as staff type: the same HTML the Preview button shows.
  const source = form.querySelector("[data-alert-preview-url]");
  if (!source || !window.fetch) return;
  const url = source.dataset.alertPreviewUrl;
  let timer = 0;
  let latest = 0;

  const refresh = () => {
    const preview = form.querySelector("[data-alert-preview]");
    if (!preview) return;
    const asked = ++latest;
    const data = new FormData(form);
    data.append("_preview", "1");
    fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => {
        if (!response.ok) throw new Error(`Preview failed: ${response.status}`);
        return response.text();
      })
      .then((html) => {
        if (asked !== latest) return; // a newer preview is on its way
        const template = document.createElement("template");
        template.innerHTML = html;
        const fresh = template.content.querySelector("[data-alert-preview]");
        if (fresh) preview.replaceChildren(...fresh.childNodes);
      })
      .catch(() => {
        // The Preview button still works.
      });
  };

  const soon = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  };
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
})();
