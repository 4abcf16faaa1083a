// "Print this page": show the button (hidden without JavaScript, when the guidance shows instead).
(function () {
  "use strict";
  var button = document.querySelector("[data-print-button]");
  var help = document.querySelector("[data-print-help]");
  if (!button || !window.print) { return; }
  button.hidden = false;
  if (help) { help.hidden = true; }
  button.addEventListener("click", function () { window.print(); });
}());
