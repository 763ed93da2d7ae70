// Checkout: choosing another country or shipping method asks the server for that address's methods, shipping
// and tax (the "Update shipping options" button, which works without JavaScript too); nothing is computed here.
(function () {
  "use strict";
  var button = document.querySelector("[data-refresh-shipping]");
  if (!button) return;
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.id === "country" || target.name === "shipping_method") button.click();
  });
})();
