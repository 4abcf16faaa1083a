// Study-time calculator: update the estimate as the reader types.
// The form works without this file (it submits and the server works it out); keep the sum and the wording
// the same as microcredentials/tools/study_time.py.
(() => {
  "use strict";

  const form = document.querySelector("[data-study-time]");
  const output = document.querySelector("[data-study-time-output]");
  if (!form || !output) return;
  const hoursPerCredit = parseInt(form.getAttribute("data-hours-per-credit"), 10) || 10;

  function count(number, noun) {
    return `${number.toLocaleString("en-NZ")} ${noun}${number === 1 ? "" : "s"}`;
  }

  function wholeNumberIn(input) {
    const text = input.value.trim();
    const number = parseInt(text, 10);
    const low = parseInt(input.getAttribute("data-min"), 10);
    const high = parseInt(input.getAttribute("data-max"), 10);
    if (!/^\d+$/.test(text) || number < low || number > high) return null;
    return number;
  }

  function range(input) {
    return `${input.getAttribute("data-min")} to ${input.getAttribute("data-max")}`;
  }

  function paragraph(className, parts) {
    const p = document.createElement("p");
    if (className) p.className = className;
    for (const part of parts) p.appendChild(part);
    return p;
  }

  function show(credits, hours) {
    const total = credits * hoursPerCredit;
    const weeks = Math.ceil(total / hours);
    const strong = document.createElement("strong");
    strong.textContent = count(weeks, "week");
    const working =
      `${count(credits, "credit")} \u00d7 about ${hoursPerCredit} hours = about ` +
      `${total.toLocaleString("en-NZ")} hours; at ${count(hours, "hour")} a week, about ${count(weeks, "week")}`;
    output.replaceChildren(
      paragraph("study-time__answer", [document.createTextNode("About "), strong]),
      paragraph("study-time__working", [document.createTextNode(working)]),
    );
  }

  function update() {
    const credits = wholeNumberIn(form.elements.credits);
    const hours = wholeNumberIn(form.elements.hours);
    if (credits === null || hours === null) {
      const hint =
        `Enter credits from ${range(form.elements.credits)} and hours from ${range(form.elements.hours)}` +
        " to see an estimate.";
      output.replaceChildren(paragraph("", [document.createTextNode(hint)]));
      return;
    }
    show(credits, hours);
  }

  let timer = null;
  form.addEventListener("input", () => {
    // Wait for a pause in typing, so screen readers hear one update rather than one per key.
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 400);
  });

  // On a slow connection the reader may have typed before this file arrived: work out what they typed.
  function typedSinceServed(input) {
    return input.value !== input.defaultValue;
  }
  if (typedSinceServed(form.elements.credits) || typedSinceServed(form.elements.hours)) update();

  const summary = document.querySelector("[data-error-summary]");
  summary?.focus();
})();
