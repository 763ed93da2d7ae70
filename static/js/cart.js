// Progressive enhancement for add-to-cart: post with fetch and update the header count in place.
// Without JavaScript (or when anything goes wrong) the plain form posts and redirects as usual.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) { return; }
  document.querySelectorAll("form[data-add-to-cart]").forEach(function (form) {
    var status = form.querySelector("[data-add-status]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrf_token") || "" }
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) { throw new Error("not json"); }
        return response.json();
      }).then(function (body) {
        if (body.ok) {
          document.querySelectorAll("[data-cart-count]").forEach(function (el) { el.textContent = body.count; });
        }
        if (status) {
          status.textContent = body.message || "";
          status.classList.toggle("is-error", !body.ok);
        }
      }).catch(function () {
        form.submit();  // fall back to the plain form post
      }).finally(function () {
        if (button) { button.disabled = false; }
      });
    });
  });
})();
