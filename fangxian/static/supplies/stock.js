/* The stock pages: a print button (data-print). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-print]")) {
      window.print();
    }
  });
}());
