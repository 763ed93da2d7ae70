// Back office: progressive enhancement only (every form works without JavaScript).
(function () {
  "use strict";
  // Ask before destructive POSTs (delete product, remove picture).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
