// Study-time calculator: update the estimate as the reader types.
// The form works without this file (it submits and the server works it out); keep the sum and the wording
// the same as microcredentials/study_time.py.
(function () {
  "use strict";
  var form = document.querySelector("[data-study-time]");
  var output = document.querySelector("[data-study-time-output]");
  if (!form || !output) { return; }
  var hoursPerCredit = parseInt(form.getAttribute("data-hours-per-credit"), 10) || 10;

  function count(number, noun) {
    return number.toLocaleString("en-NZ") + " " + noun + (number === 1 ? "" : "s");
  }

  function wholeNumberIn(input) {
    var text = input.value.trim();
    var number = parseInt(text, 10);
    var low = parseInt(input.getAttribute("data-min"), 10);
    var high = parseInt(input.getAttribute("data-max"), 10);
    if (!/^\d+$/.test(text) || number < low || number > high) { return null; }
    return number;
  }

  function range(input) {
    return input.getAttribute("data-min") + " to " + input.getAttribute("data-max");
  }

  function paragraph(className, parts) {
    var p = document.createElement("p");
    if (className) { p.className = className; }
    parts.forEach(function (part) { p.appendChild(part); });
    return p;
  }

  function show(credits, hours) {
    var total = credits * hoursPerCredit;
    var weeks = Math.ceil(total / hours);
    var strong = document.createElement("strong");
    strong.textContent = count(weeks, "week");
    var working = count(credits, "credit") + " \u00d7 about " + hoursPerCredit + " hours = about " +
      total.toLocaleString("en-NZ") + " hours; at " + count(hours, "hour") + " a week, about " + count(weeks, "week");
    output.replaceChildren(
      paragraph("study-time__answer", [document.createTextNode("About "), strong]),
      paragraph("study-time__working", [document.createTextNode(working)])
    );
  }

  function update() {
    var credits = wholeNumberIn(form.elements.credits);
    var hours = wholeNumberIn(form.elements.hours);
    if (credits === null || hours === null) {
      output.replaceChildren(paragraph("", [document.createTextNode(
        "Enter credits from " + range(form.elements.credits) + " and hours from " + range(form.elements.hours) +
        " to see an estimate."
      )]));
      return;
    }
    show(credits, hours);
  }

  var timer = null;
  form.addEventListener("input", function () {
    // Wait for a pause in typing, so screen readers hear one update rather than one per key.
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 400);
  });

  // On a slow connection the reader may have typed before this file arrived: work out what they typed.
  function typedSinceServed(input) { return input.value !== input.defaultValue; }
  if (typedSinceServed(form.elements.credits) || typedSinceServed(form.elements.hours)) { update(); }

  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
}());
