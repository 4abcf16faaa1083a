// The advice page editor's safety nets. The admin form works fully without this file.
// 1. Keeps the title, summary and body in this browser (localStorage, one entry per page) while the
//    editor types, and offers them back on the next visit, e.g. after a session times out.
//    A kept copy is forgotten after a successful save, or when the form already holds the same text.
// 2. Shows the reason when the editor refuses an uploaded image.
// 3. Lets Tab and Shift+Tab leave the Markdown editor (markdownx would type a tab instead: a keyboard trap).
// 4. Names the live preview, so screen reader users can find it.
(function () {
  "use strict";

  var FIELDS = ["title", "summary", "body"];
  var PENDING = "careers-draft:pending";
  var FAILED_UPLOAD_MARKER = "Invalid response"; // what markdownx inserts into the text on a failed upload

  function getStore(kind) {
    try {
      var store = window[kind];
      store.getItem(PENDING);
      return store;
    } catch (error) {
      return null; // storage disabled: no drafts, the form still works
    }
  }

  function formValues(form) {
    var values = {};
    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) values[name] = field.value;
    });
    return values;
  }

  function readDraft(store, key) {
    try {
      var draft = JSON.parse(store.getItem(key) || "null");
      return draft && draft.values ? draft : null;
    } catch (error) {
      return null;
    }
  }

  function differs(draft, values) {
    return FIELDS.some(function (name) {
      return name in draft.values && draft.values[name] !== values[name];
    });
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // After a save: forget the kept copy if the admin reports success.
  function settlePendingSave(local, session) {
    var key = session.getItem(PENDING);
    if (!key) return;
    session.removeItem(PENDING);
    if (document.querySelector(".messagelist .success") && !document.querySelector(".errornote")) {
      local.removeItem(key);
    }
  }

  function offerDraft(notice, form, draft, onDecided) {
    var when = new Date(draft.savedAt).toLocaleString("en-NZ", { dateStyle: "medium", timeStyle: "short" });
    var message = element("p", "This browser kept changes to this page that were not saved (" + when + "). " +
      "Restore them into the form, or discard them. New changes are kept again once you choose.");
    var restore = element("button", "Restore my unsaved changes", "button");
    var discard = element("button", "Discard them", "button");
    restore.type = "button";
    discard.type = "button";
    notice.replaceChildren(message, restore, discard);
    notice.hidden = false;

    function decided(text, restoreText) {
      if (restoreText) {
        FIELDS.forEach(function (name) {
          var field = form.elements.namedItem(name);
          if (field && name in draft.values) {
            field.value = draft.values[name];
            field.dispatchEvent(new Event("input", { bubbles: true })); // refreshes the live preview
          }
        });
      }
      notice.replaceChildren(element("p", text));
      notice.setAttribute("tabindex", "-1");
      notice.focus();
      onDecided();
    }
    restore.addEventListener("click", function () {
      decided("Your unsaved changes are back in the form. Save the page to keep them.", true);
    });
    discard.addEventListener("click", function () {
      decided("The unsaved changes were discarded.", false);
    });
  }

  function keepDrafts(local, session) {
    var notice = document.getElementById("draft-notice");
    var form = notice && notice.closest("form");
    if (!form) return;
    var key = notice.dataset.draftKey;
    var paused = false;
    var timer = null;

    function keep() {
      if (paused) return;
      var values = formValues(form);
      local.setItem(key, JSON.stringify({ values: values, savedAt: new Date().toISOString() }));
    }

    var draft = readDraft(local, key);
    if (draft && differs(draft, formValues(form))) {
      paused = true;
      offerDraft(notice, form, draft, function () {
        paused = false;
        local.removeItem(key);
        keep();
      });
    } else if (draft) {
      local.removeItem(key); // the form already holds this text
    }
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(keep, 400);
    });
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      keep();
      session.setItem(PENDING, key);
    });
  }

  function uploadErrorMessage(detail) {
    var response = detail && detail[0];
    if (typeof response === "string") {
      try {
        response = JSON.parse(response);
      } catch (error) {
        response = null;
      }
    }
    var messages = response && (response.image || response.__all__);
    return (messages && messages[0]) || "The image could not be uploaded. Check your connection and try again.";
  }

  function removeFailureMarker(editor) {
    var end = editor.selectionStart;
    var start = end - FAILED_UPLOAD_MARKER.length;
    if (start >= 0 && editor.value.slice(start, end) === FAILED_UPLOAD_MARKER) {
      editor.value = editor.value.slice(0, start) + editor.value.slice(end);
      editor.selectionStart = editor.selectionEnd = start;
      editor.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function showUploadErrors() {
    document.querySelectorAll(".markdownx").forEach(function (widget) {
      var editor = widget.querySelector(".markdownx-editor");
      var alert = element("p", "", "upload-error");
      alert.setAttribute("role", "alert");
      alert.hidden = true;
      widget.after(alert);
      function failed(event) {
        alert.textContent = uploadErrorMessage(event.detail);
        alert.hidden = false;
        window.setTimeout(function () { removeFailureMarker(editor); }, 0);
      }
      widget.addEventListener("markdownx.fileUploadError", failed);
      widget.addEventListener("fileUploadError", failed);
      widget.addEventListener("markdownx.fileUploadEnd", function () {
        alert.hidden = true;
        alert.textContent = "";
      });
    });
  }

  // markdownx handles keys on the textarea itself (in the capture phase). Stopping a plain Tab on the way
  // down, at the document, keeps it from markdownx, and the browser moves focus as usual (no preventDefault).
  // Ctrl+] and Ctrl+[ still reach markdownx, which indents with them (see the Body field's help text).
  function letTabLeaveEditors() {
    document.addEventListener("keydown", function (event) {
      var plainTab = event.key === "Tab" && !event.ctrlKey && !event.altKey && !event.metaKey;
      if (plainTab && event.target.classList && event.target.classList.contains("markdownx-editor")) {
        event.stopPropagation();
      }
    }, true);
  }

  function namePreviews() {
    document.querySelectorAll(".markdownx-preview").forEach(function (preview) {
      preview.setAttribute("role", "region");
      preview.setAttribute("aria-label", "Preview");
    });
  }

  function start() {
    var local = getStore("localStorage");
    var session = getStore("sessionStorage");
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
