// "Was this page useful?" in place: answers are sent with fetch and the box changes without a page load.
// Without this file the same forms post normally and the server redirects back with a thank-you.
(() => {
  "use strict";

  const box = document.querySelector("[data-feedback]");
  const summary = document.querySelector("[data-error-summary]");
  summary?.focus();
  if (!box || !window.fetch || !window.FormData) return;
  const answers = box.querySelector("[data-feedback-answers]");
  const noForm = box.querySelector("[data-feedback-no]");
  const yesForm = box.querySelector("[data-feedback-yes]");
  const commentForm = box.querySelector("[data-feedback-comment]");
  const message = box.querySelector("[data-feedback-message]");
  if (!answers || !noForm || !yesForm || !commentForm || !message) return;
  const comment = commentForm.elements.comment;

  function thank(reply) {
    const heading = document.createElement("h2");
    heading.id = "feedback-heading";
    heading.tabIndex = -1;
    heading.textContent = reply.heading;
    const status = document.createElement("p");
    status.setAttribute("role", "status");
    status.textContent = reply.message;
    box.replaceChildren(heading, status);
    heading.focus();
  }

  function showCommentError(text) {
    const id = `${comment.id}_error`;
    let error = document.getElementById(id);
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error";
      error.id = id;
      comment.parentNode.insertBefore(error, comment);
    }
    error.textContent = `Error: ${text}`;
    comment.setAttribute("aria-invalid", "true");
    const describedBy = (comment.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!describedBy.includes(id)) describedBy.push(id);
    comment.setAttribute("aria-describedby", describedBy.join(" "));
    comment.focus();
  }

  function send(form) {
    message.textContent = "";
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then((response) => response.json().then((data) => ({ status: response.status, data })))
      .then((reply) => {
        if (reply.status === 200) {
          thank(reply.data);
          return;
        }
        if (reply.status === 400 && reply.data.errors?.comment) {
          showCommentError(reply.data.errors.comment[0]);
          return;
        }
        message.textContent = reply.data.message;
      })
      .catch(() => {
        // Network trouble: fall back to an ordinary form post.
        form.submit();
      });
  }

  yesForm.addEventListener("submit", (event) => {
    event.preventDefault();
    send(yesForm);
  });
  noForm.addEventListener("submit", (event) => {
    event.preventDefault();
    answers.hidden = true;
    commentForm.hidden = false;
    comment.focus();
  });
  commentForm.addEventListener("submit", (event) => {
    event.preventDefault();
    send(commentForm);
  });
})();
