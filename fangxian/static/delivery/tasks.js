// The office's task page: a form with data-confirm asks before it is sent (cancelling a
// task). Without JavaScript the form's own "Yes, cancel this task" box is the confirmation.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.dataset ? form.dataset.confirm : "";
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
