// The advice page editor's safety nets. The admin form works fully without this file.
// 1. Keeps the title, summary and body in this browser (localStorage, one entry per page) while the
//    editor types, and offers them back on the next visit, e.g. after a session times out.
//    A kept copy is forgotten after a successful save, or when the form already holds the same text.
// 2. Adds an "Insert image" button: a dialog that uploads an image with its alt text (or marks it decorative)
//    and puts it in the Body on a line of its own. Dropped and pasted images are uploaded here too, and every
//    refusal is shown in words next to the editor (or in the dialog), the 413 of a too-big file included.
// 3. Lets Tab and Shift+Tab leave the Markdown editor (markdownx would type a tab instead: a keyboard trap).
// 4. Shows the live preview as readers will see it: in a frame of its own, styled by the site's stylesheet, so
//    neither the admin's styles nor the site's leak across. markdownx still fills its own preview element; that
//    element is hidden, and each change is copied into the frame, which runs no scripts (sandbox) and is held
//    to this page's Content-Security-Policy (a srcdoc frame inherits it). The preview is a region named
//    "Preview", so screen reader users can find it.
// Loaded with `defer`: it runs once the page is parsed, after markdownx's own (blocking) script.
(() => {
  "use strict";

  const FIELDS = ["title", "summary", "body"];
  const PENDING = "careers-draft:pending";

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

  // --- Images: the "Insert image" dialog, and files dropped or pasted into the Body ------------------------
  // markdownx uploads dropped and pasted files itself, but parses every answer as JSON: a refusal the server
  // sends as a page (the 413 for a request over the site's size limit) ended in "Unexpected token '<'" and
  // no message. So this script takes those files over, and every image goes through uploadImage below.
  const MAX_IMAGE_MB = 5; // settings.MARKDOWNX_UPLOAD_MAX_SIZE (uploads.py says the same); the server checks again
  const MAX_IMAGE_BYTES = MAX_IMAGE_MB * 1024 * 1024;
  const IMAGE_TYPES = "image/jpeg,image/png,image/webp";
  const TOO_BIG = `The image is too big: it must be ${MAX_IMAGE_MB} MB or smaller.`;
  const UPLOAD_FAILED =
    "The image could not be uploaded. Check your connection and try again. " +
    "If it still fails, save your text and reload the page.";
  const NO_FILE = "Choose the image file to insert.";
  const ALT_NEEDED =
    "Write alt text that says what the image shows, or tick “Decorative image (no alt text)” if it adds nothing.";

  class UploadError extends Error {}

  // Sends one image to the editor's upload endpoint; resolves to its address, or throws an UploadError whose
  // message is for the editor. The answer's status and type are checked before anything is read as JSON.
  async function uploadImage(editor, file, signal) {
    if (file.size > MAX_IMAGE_BYTES) throw new UploadError(TOO_BIG);
    const body = new FormData();
    body.append("csrfmiddlewaretoken", editor.form?.elements.namedItem("csrfmiddlewaretoken")?.value ?? "");
    body.append("image", file);
    let response;
    try {
      response = await fetch(editor.dataset.markdownxUploadUrlsPath, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
        signal,
      });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new UploadError(UPLOAD_FAILED);
    }
    if (response.status === 413) throw new UploadError(TOO_BIG);
    const type = (response.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
    let answer = null;
    if (type === "application/json") {
      try {
        answer = await response.json();
      } catch (error) {
        if (error.name === "AbortError") throw error;
      }
    }
    const url = /^!\[\]\(([^\s()]+)\)$/.exec(answer?.image_code ?? "")?.[1];
    if (response.ok && url) return url;
    const message = answer?.image?.[0] ?? answer?.__all__?.[0];
    throw new UploadError(typeof message === "string" && message ? message : UPLOAD_FAILED);
  }

  function markdownImage(alt, url) {
    const text = alt.replace(/\s+/g, " ").trim().replace(/[\\[\]]/g, "\\$&");
    return `![${text}](${url})`;
  }

  // The line breaks that put `text` in a paragraph of its own (a blank line each side) next to `beside`.
  function blankLineBetween(beside, atEnd) {
    if (beside === "") return "";
    const edge = atEnd ? beside.slice(-2) : beside.slice(0, 2);
    if (edge === "\n\n") return "";
    return (atEnd ? edge.endsWith("\n") : edge.startsWith("\n")) ? "\n" : "\n\n";
  }

  // Puts `text` at the cursor, on its own line, leaves the cursor after it, and refreshes the preview.
  function insertOnItsOwnLine(editor, text) {
    const { selectionStart: start, selectionEnd: end, value } = editor;
    const before = blankLineBetween(value.slice(0, start), true);
    const after = blankLineBetween(value.slice(end), false);
    editor.setRangeText(`${before}${text}${after}`, start, end, "end");
    const caret = start + before.length + text.length;
    editor.setSelectionRange(caret, caret);
    editor.dispatchEvent(new Event("input", { bubbles: true })); // markdownx updates the preview; drafts are kept
  }

  function showMessage(target, message) {
    target.textContent = message;
    target.hidden = false;
  }

  function clearMessage(target) {
    target.hidden = true;
    target.textContent = "";
  }

  function labelled(id, text, input, help) {
    const field = element("div", "", "image-dialog-field");
    const label = element("label", text);
    label.htmlFor = id;
    input.id = id;
    field.append(label);
    if (help) {
      const hint = element("p", help, "image-dialog-help");
      hint.id = `${id}-help`;
      input.setAttribute("aria-describedby", hint.id);
      field.append(hint);
    }
    field.append(input);
    return field;
  }

  function buildImageDialog(prefix) {
    const dialog = element("dialog", "", "image-dialog");
    dialog.id = prefix;
    dialog.setAttribute("aria-labelledby", `${prefix}-title`);
    const form = element("form");
    form.noValidate = true; // the script explains what is missing, in words
    const title = element("h2", "Insert an image");
    title.id = `${prefix}-title`;
    const error = element("p", "", "upload-error");
    error.id = `${prefix}-error`;
    error.setAttribute("role", "alert");
    error.hidden = true;

    const file = element("input");
    file.type = "file";
    file.accept = IMAGE_TYPES;
    const alt = element("input", "", "vTextField");
    alt.type = "text";
    alt.required = true;
    alt.autocomplete = "off";
    const decorative = element("input");
    decorative.type = "checkbox";
    decorative.id = `${prefix}-decorative`;
    const decorativeLabel = element("label", "Decorative image (no alt text)");
    decorativeLabel.htmlFor = decorative.id;
    const decorativeRow = element("div", "", "image-dialog-field image-dialog-check");
    decorativeRow.append(decorative, decorativeLabel);

    const status = element("p", "", "image-dialog-status");
    status.setAttribute("role", "status");
    const insert = element("button", "Insert", "button default");
    insert.type = "submit";
    const cancel = element("button", "Cancel", "button");
    cancel.type = "button";
    const buttons = element("div", "", "image-dialog-buttons");
    buttons.append(insert, cancel);

    form.append(
      title,
      error,
      labelled(`${prefix}-file`, "Image file", file, `A JPEG, PNG or WebP image of up to ${MAX_IMAGE_MB} MB.`),
      labelled(
        `${prefix}-alt`,
        "Alt text",
        alt,
        "Say what the image shows, for people who cannot see it. For example: “A trainee fitting a kitchen bench”.",
      ),
      decorativeRow,
      status,
      buttons,
    );
    dialog.append(form);
    return { dialog, form, error, file, alt, decorative, status, insert, cancel };
  }

  function enhanceImages(widget, index) {
    const editor = widget.querySelector(".markdownx-editor");
    if (!editor?.dataset.markdownxUploadUrlsPath) return;
    const prefix = `insert-image-${index}`;
    const parts = buildImageDialog(prefix);
    const { dialog, form, error, file, alt, decorative, status, insert, cancel } = parts;
    const altHelp = alt.getAttribute("aria-describedby");

    const tools = element("div", "", "editor-image-tools");
    const open = element("button", "Insert image", "button");
    open.type = "button";
    open.setAttribute("aria-haspopup", "dialog");
    open.setAttribute("aria-controls", prefix);
    tools.append(open, element("span", "or drag an image file into the box.", "editor-image-hint"));
    const alert = element("p", "", "upload-error"); // errors from dropped and pasted images
    alert.setAttribute("role", "alert");
    alert.hidden = true;
    (widget.closest(".flex-container") ?? widget).after(tools, alert);
    document.body.append(dialog); // outside the page's form: no nested forms, and nothing of it is submitted

    let uploading = null; // the AbortController of the dialog's upload under way
    let inserted = false;

    function markAlt(invalid) {
      if (invalid) {
        alt.setAttribute("aria-invalid", "true");
        alt.setAttribute("aria-describedby", `${error.id} ${altHelp}`);
      } else {
        alt.removeAttribute("aria-invalid");
        alt.setAttribute("aria-describedby", altHelp);
      }
    }

    function refuse(message, field) {
      showMessage(error, message);
      field.focus();
    }

    function setBusy(busy) {
      insert.disabled = busy;
      status.textContent = busy ? "Uploading the image…" : "";
    }

    open.addEventListener("click", () => {
      form.reset();
      alt.disabled = false;
      alt.required = true;
      markAlt(false);
      clearMessage(error);
      setBusy(false);
      inserted = false;
      dialog.showModal();
      file.focus();
    });
    decorative.addEventListener("change", () => {
      alt.disabled = decorative.checked;
      alt.required = !decorative.checked;
      if (decorative.checked) markAlt(false);
    });
    alt.addEventListener("input", () => markAlt(false));
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      uploading?.abort();
      uploading = null;
      if (!inserted) open.focus();
    });

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (uploading) return;
      clearMessage(error);
      clearMessage(alert); // a new insert starts: an earlier refusal no longer applies
      const chosen = file.files[0];
      const altText = decorative.checked ? "" : alt.value.trim();
      if (!chosen) {
        refuse(NO_FILE, file);
        return;
      }
      if (!decorative.checked && !altText) {
        markAlt(true);
        refuse(ALT_NEEDED, alt);
        return;
      }
      const controller = new AbortController();
      uploading = controller;
      setBusy(true);
      try {
        const url = await uploadImage(editor, chosen, controller.signal);
        uploading = null;
        inserted = true;
        dialog.close();
        insertOnItsOwnLine(editor, markdownImage(altText, url));
        editor.focus();
      } catch (failure) {
        if (failure.name === "AbortError") return; // cancelled: the dialog is closed
        refuse(failure instanceof UploadError ? failure.message : UPLOAD_FAILED, file);
      } finally {
        if (uploading === controller) uploading = null;
        setBusy(false);
      }
    });

    async function uploadFiles(files) {
      clearMessage(alert);
      widget.classList.add("is-uploading");
      editor.setAttribute("aria-busy", "true");
      for (const image of files) {
        try {
          insertOnItsOwnLine(editor, markdownImage("", await uploadImage(editor, image)));
        } catch (failure) {
          showMessage(alert, failure instanceof UploadError ? failure.message : UPLOAD_FAILED);
        }
      }
      widget.classList.remove("is-uploading");
      editor.removeAttribute("aria-busy");
    }

    // In the capture phase at the document: before markdownx's own listeners on the textarea, which are stopped.
    const takeFiles = (event, files) => {
      if (event.target !== editor || !files?.length) return;
      event.stopPropagation();
      event.preventDefault();
      uploadFiles([...files]);
    };
    document.addEventListener("drop", (event) => takeFiles(event, event.dataTransfer?.files), true);
    document.addEventListener("paste", (event) => takeFiles(event, event.clipboardData?.files), true);
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

  function nameAsPreview(element) {
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", "Preview");
  }

  // The frame's page: the site's stylesheet and the body's container, as on the advice page. Links open in a
  // new tab (a site page cannot be shown in a frame: X-Frame-Options DENY).
  function previewFrame(stylesheet) {
    const frame = document.createElement("iframe");
    frame.className = "live-preview-frame";
    frame.title = "Preview of the body, as readers will see it";
    frame.setAttribute("sandbox", "allow-same-origin allow-popups allow-popups-to-escape-sandbox");
    frame.srcdoc = '<!doctype html><html lang="en-NZ"><head><meta charset="utf-8"><base target="_blank">'
      + '<title>Preview</title></head><body><div class="wrapper"><main class="advice__body"></main></div></body></html>';
    frame.addEventListener("load", () => {
      const link = frame.contentDocument.createElement("link");
      link.rel = "stylesheet";
      link.href = stylesheet; // set as a property: never parsed as markup
      frame.contentDocument.head.append(link);
    }, { once: true });
    return frame;
  }

  function framePreviews() {
    const stylesheet = document.querySelector('meta[name="site-stylesheet"]')?.content;
    for (const source of document.querySelectorAll(".markdownx-preview")) {
      if (!stylesheet) {
        nameAsPreview(source);
        continue;
      }
      const region = document.createElement("div");
      region.className = "live-preview";
      nameAsPreview(region);
      const frame = previewFrame(stylesheet);
      region.append(frame);
      source.after(region);
      source.hidden = true;
      const copy = () => {
        const main = frame.contentDocument?.querySelector("main");
        if (main) {
          main.innerHTML = source.innerHTML; // markdownx's preview: HTML the site's own renderer sanitised
        }
      };
      frame.addEventListener("load", copy);
      new MutationObserver(copy).observe(source, { childList: true, subtree: true, characterData: true });
    }
  }

  function start() {
    const local = getStore("localStorage");
    const session = getStore("sessionStorage");
    if (local && session) {
      settlePendingSave(local, session);
      keepDrafts(local, session);
    }
    document.querySelectorAll(".markdownx").forEach(enhanceImages);
    framePreviews();
  }

  letTabLeaveEditors(); // at once: the listener must be in place before anyone reaches the editor

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
