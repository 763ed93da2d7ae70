// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";
  // Auto-submit listing filters when a select changes (the Apply button stays for keyboard and no-JS users).
  document.querySelectorAll("form.filters:not([data-no-autosubmit]) select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // After a refused form, move focus to the list of errors so keyboard and screen reader users hear it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
