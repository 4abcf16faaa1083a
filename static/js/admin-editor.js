// The advice page editor's safety nets. The admin form works fully without this file.
// 1. Keeps the title, summary and body in this browser (localStorage, one entry per page) while the
//    editor types, and offers them back on the next visit, e.g. after a session times out.
//    A kept copy is forgotten after a successful save, or when the form already holds the same text.
// 2. Shows the reason when the editor refuses an uploaded image.
// 3. Lets Tab and Shift+Tab leave the Markdown editor (markdownx would type a tab instead: a keyboard trap).
// 4. Names the live preview, so screen reader users can find it.
// Loaded with `defer`: it runs once the page is parsed, after markdownx's own (blocking) script.
(() => {
  "use strict";

  const FIELDS = ["title", "summary", "body"];
  const PENDING = "careers-draft:pending";
  const FAILED_UPLOAD_MARKER = "Invalid response"; // what markdownx inserts into the text on a failed upload

  function getStore(kind) {
    try {
      const store = window[kind];
      store.getItem(PENDING);
      return store;
    } catch {
      return null; // storage disabled: no drafts, the form still works
    }
  }

  function formValues(form) {
    const values = {};
    for (const name of FIELDS) {
      const field = form.elements.namedItem(name);
      if (field) values[name] = field.value;
    }
    return values;
  }

  function readDraft(store, key) {
    try {
      const draft = JSON.parse(store.getItem(key) || "null");
      return draft?.values ? draft : null;
    } catch {
      return null;
    }
  }

  function differs(draft, values) {
    return FIELDS.some((name) => name in draft.values && draft.values[name] !== values[name]);
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // After a save: forget the kept copy if the admin reports success.
  function settlePendingSave(local, session) {
    const key = session.getItem(PENDING);
    if (!key) return;
    session.removeItem(PENDING);
    if (document.querySelector(".messagelist .success") && !document.querySelector(".errornote")) {
      local.removeItem(key);
    }
  }

  function offerDraft(notice, form, draft, onDecided) {
    const when = new Date(draft.savedAt).toLocaleString("en-NZ", { dateStyle: "medium", timeStyle: "short" });
    const message = element(
      "p",
      `This browser kept changes to this page that were not saved (${when}). ` +
        "Restore them into the form, or discard them. New changes are kept again once you choose.",
    );
    const restore = element("button", "Restore my unsaved changes", "button");
    const discard = element("button", "Discard them", "button");
    restore.type = "button";
    discard.type = "button";
    notice.replaceChildren(message, restore, discard);
    notice.hidden = false;

    function decided(text, restoreText) {
      if (restoreText) {
        for (const name of FIELDS) {
          const field = form.elements.namedItem(name);
          if (field && name in draft.values) {
            field.value = draft.values[name];
            field.dispatchEvent(new Event("input", { bubbles: true })); // refreshes the live preview
          }
        }
      }
      notice.replaceChildren(element("p", text));
      notice.setAttribute("tabindex", "-1");
      notice.focus();
      onDecided();
    }
    restore.addEventListener("click", () => {
      decided("Your unsaved changes are back in the form. Save the page to keep them.", true);
    });
    discard.addEventListener("click", () => {
      decided("The unsaved changes were discarded.", false);
    });
  }

  function keepDrafts(local, session) {
    const notice = document.getElementById("draft-notice");
    const form = notice?.closest("form");
    if (!form) return;
    const key = notice.dataset.draftKey;
    let paused = false;
    let timer = null;

    function keep() {
      if (paused) return;
      const values = formValues(form);
      local.setItem(key, JSON.stringify({ values, savedAt: new Date().toISOString() }));
    }

    const draft = readDraft(local, key);
    if (draft && differs(draft, formValues(form))) {
      paused = true;
      offerDraft(notice, form, draft, () => {
        paused = false;
        local.removeItem(key);
        keep();
      });
    } else if (draft) {
      local.removeItem(key); // the form already holds this text
    }
    form.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(keep, 400);
    });
    form.addEventListener("submit", () => {
      window.clearTimeout(timer);
      keep();
      session.setItem(PENDING, key);
    });
  }

  function uploadErrorMessage(detail) {
    let response = detail?.[0];
    if (typeof response === "string") {
      try {
        response = JSON.parse(response);
      } catch {
        response = null;
      }
    }
    const messages = response?.image || response?.__all__;
    return messages?.[0] || "The image could not be uploaded. Check your connection and try again.";
  }

  function removeFailureMarker(editor) {
    const end = editor.selectionStart;
    const start = end - FAILED_UPLOAD_MARKER.length;
    if (start >= 0 && editor.value.slice(start, end) === FAILED_UPLOAD_MARKER) {
      editor.value = editor.value.slice(0, start) + editor.value.slice(end);
      editor.selectionStart = editor.selectionEnd = start;
      editor.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function showUploadErrors() {
    for (const widget of document.querySelectorAll(".markdownx")) {
      const editor = widget.querySelector(".markdownx-editor");
      const alert = element("p", "", "upload-error");
      alert.setAttribute("role", "alert");
      alert.hidden = true;
      widget.after(alert);
      const failed = (event) => {
        alert.textContent = uploadErrorMessage(event.detail);
        alert.hidden = false;
        window.setTimeout(() => removeFailureMarker(editor), 0);
      };
      widget.addEventListener("markdownx.fileUploadError", failed);
      widget.addEventListener("fileUploadError", failed);
      widget.addEventListener("markdownx.fileUploadEnd", () => {
        alert.hidden = true;
        alert.textContent = "";
      });
    }
  }

  // markdownx handles keys on the textarea itself (in the capture phase). Stopping a plain Tab on the way
  // down, at the document, keeps it from markdownx, and the browser moves focus as usual (no preventDefault).
  // Ctrl+] and Ctrl+[ still reach markdownx, which indents with them (see the Body field's help text).
  function letTabLeaveEditors() {
    document.addEventListener(
      "keydown",
      (event) => {
        const plainTab = event.key === "Tab" && !event.ctrlKey && !event.altKey && !event.metaKey;
        if (plainTab && event.target.classList?.contains("markdownx-editor")) {
          event.stopPropagation();
        }
      },
      true,
    );
  }

  function namePreviews() {
    for (const preview of document.querySelectorAll(".markdownx-preview")) {
      preview.setAttribute("role", "region");
      preview.setAttribute("aria-label", "Preview");
    }
  }

  function start() {
    const local = getStore("localStorage");
    const session = getStore("sessionStorage");
    if (local && session) {
      settlePendingSave(local, session);
      keepDrafts(local, session);
    }
    showUploadErrors();
    namePreviews();
  }

  letTabLeaveEditors(); // at once: the listener must be in place before anyone reaches the editor

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
