// "Was this page useful?" in place: answers are sent with fetch and the box changes without a page load.
// Without this file the same forms post normally and the server redirects back with a thank-you.
(function () {
  "use strict";
  var box = document.querySelector("[data-feedback]");
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
  if (!box || !window.fetch || !window.FormData) { return; }
  var answers = box.querySelector("[data-feedback-answers]");
  var noForm = box.querySelector("[data-feedback-no]");
  var yesForm = box.querySelector("[data-feedback-yes]");
  var commentForm = box.querySelector("[data-feedback-comment]");
  var message = box.querySelector("[data-feedback-message]");
  if (!answers || !noForm || !yesForm || !commentForm || !message) { return; }
  var comment = commentForm.elements.comment;

  function thank(reply) {
    var heading = document.createElement("h2");
    heading.id = "feedback-heading";
    heading.tabIndex = -1;
    heading.textContent = reply.heading;
    var status = document.createElement("p");
    status.setAttribute("role", "status");
    status.textContent = reply.message;
    box.replaceChildren(heading, status);
    heading.focus();
  }

  function showCommentError(text) {
    var id = comment.id + "_error";
    var error = document.getElementById(id);
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error";
      error.id = id;
      comment.parentNode.insertBefore(error, comment);
    }
    error.textContent = "Error: " + text;
    comment.setAttribute("aria-invalid", "true");
    var describedBy = (comment.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (describedBy.indexOf(id) === -1) { describedBy.push(id); }
    comment.setAttribute("aria-describedby", describedBy.join(" "));
    comment.focus();
  }

  function send(form) {
    message.textContent = "";
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (reply) {
      if (reply.status === 200) { thank(reply.data); return; }
      if (reply.status === 400 && reply.data.errors && reply.data.errors.comment) {
        showCommentError(reply.data.errors.comment[0]);
        return;
      }
      message.textContent = reply.data.message;
    }).catch(function () {
      // Network trouble: fall back to an ordinary form post.
      form.submit();
    });
  }

  yesForm.addEventListener("submit", function (event) {
    event.preventDefault();
    send(yesForm);
  });
  noForm.addEventListener("submit", function (event) {
    event.preventDefault();
    answers.hidden = true;
    commentForm.hidden = false;
    comment.focus();
  });
  commentForm.addEventListener("submit", function (event) {
    event.preventDefault();
    send(commentForm);
  });
}());
