// "Print this page": show the button (hidden without JavaScript, when the guidance shows instead).
(() => {
  "use strict";

  const button = document.querySelector("[data-print-button]");
  const help = document.querySelector("[data-print-help]");
  if (!button || !window.print) return;
  button.hidden = false;
  if (help) help.hidden = true;
  button.addEventListener("click", () => {
    window.print();
  });
})();
