/* The household pages of delivery: a form with data-confirm asks before it is sent (a new
 * link ends the old one), and the link's box selects itself when tapped, to copy it. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    var box = event.target;
    if (box instanceof HTMLInputElement && box.classList.contains("select-all")) {
      box.select();
    }
  });
  /* A request is sent once: a second tap while the page loads would only repeat it. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || !form.classList.contains("once")) {
      return;
    }
    window.setTimeout(function () {
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
    }, 0);
  });
}());
