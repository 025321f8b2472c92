// The meal rules page: a form with data-confirm asks before it is sent (deleting a rule,
// generating tomorrow's meals). Without JavaScript the form is sent at once.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.dataset ? form.dataset.confirm : "";
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
