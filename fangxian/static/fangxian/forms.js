/* Every page's forms (loaded by base.html):
 * - a form with data-confirm="question" asks before it is sent (deleting, cancelling,
 *   approving); without JavaScript it is sent at once, so a destructive form also carries
 *   its own confirmation box where one matters;
 * - a form with class "once" is sent once: a second tap while the page loads would only
 *   repeat the request, so its buttons are disabled after the first;
 * - an input with class "select-all" selects its whole text when tapped, to copy a link. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.classList.contains("once")) {
      window.setTimeout(function () {
        form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      }, 0);
    }
  });
  document.addEventListener("click", function (event) {
    var box = event.target;
    if (box instanceof HTMLInputElement && box.classList.contains("select-all")) {
      box.select();
    }
  });
}());
