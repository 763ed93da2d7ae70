// Product picture gallery (templates/catalog/_gallery.html). Progressive enhancement: without this file every
// picture is shown and "Enlarge" opens the largest rendition.
(function () {
  "use strict";
  document.querySelectorAll("[data-gallery]").forEach(function (gallery) {
    var slides = Array.prototype.slice.call(gallery.querySelectorAll("[data-slide]"));
    var thumbs = Array.prototype.slice.call(gallery.querySelectorAll("[data-show]"));
    var thumbList = gallery.querySelector(".gallery__thumbs");
    var dialog = gallery.querySelector(".gallery__dialog");
    var large = gallery.querySelector(".gallery__large");
    var counter = gallery.querySelector("[data-gallery-counter]");
    var current = 0;
    var opener = null;

    gallery.classList.add("gallery--enhanced");
    if (thumbList) { thumbList.hidden = false; }

    function show(index) {
      current = (index + slides.length) % slides.length;
      slides.forEach(function (slide, i) { slide.hidden = i !== current; });
      thumbs.forEach(function (thumb, i) {
        if (i === current) { thumb.setAttribute("aria-current", "true"); } else { thumb.removeAttribute("aria-current"); }
      });
      if (dialog && dialog.open) { fill(); }
    }

    function fill() {
      var slide = slides[current];
      if (slide.dataset.fullSrcset) { large.srcset = slide.dataset.fullSrcset; } else { large.removeAttribute("srcset"); }
      large.src = slide.dataset.fullSrc;
      large.alt = slide.dataset.alt || "";
      if (counter) { counter.textContent = "picture " + (current + 1) + " of " + slides.length; }
    }

    function open(index, trigger) {
      if (!dialog || typeof dialog.showModal !== "function") { return false; }
      opener = trigger || null;
      show(index);
      fill();
      dialog.showModal();
      var close = dialog.querySelector("[data-gallery-close]");
      if (close) { close.focus(); }
      return true;
    }

    thumbs.forEach(function (thumb) {
      thumb.addEventListener("click", function () { show(Number(thumb.dataset.show)); });
      thumb.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (!step) { return; }
        event.preventDefault();
        var next = (Number(thumb.dataset.show) + step + thumbs.length) % thumbs.length;
        thumbs[next].focus();
        show(next);
      });
    });
    gallery.querySelectorAll("[data-enlarge]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (open(Number(link.dataset.enlarge), link)) { event.preventDefault(); }
      });
    });
    show(0);
    if (!dialog) { return; }
    dialog.querySelector("[data-gallery-close]").addEventListener("click", function () { dialog.close(); });
    var prev = dialog.querySelector("[data-gallery-prev]");
    var next = dialog.querySelector("[data-gallery-next]");
    if (prev) { prev.addEventListener("click", function () { show(current - 1); }); }
    if (next) { next.addEventListener("click", function () { show(current + 1); }); }
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Tab") {
        // Keep Tab inside the dialog (the page behind is inert; without this, focus would leave for the browser).
        var focusable = Array.prototype.slice.call(dialog.querySelectorAll("button, [href]"));
        var first = focusable[0], last = focusable[focusable.length - 1];
        if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
        else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
        return;
      }
      if (slides.length < 2) { return; }
      if (event.key === "ArrowRight") { event.preventDefault(); show(current + 1); }
      if (event.key === "ArrowLeft") { event.preventDefault(); show(current - 1); }
    });
    // A click on the backdrop (outside the dialog's box) closes it too.
    dialog.addEventListener("click", function (event) { if (event.target === dialog) { dialog.close(); } });
    dialog.addEventListener("close", function () {
      // Back to where the shopper was: the picture now shown, or the control that opened the dialog.
      var target = gallery.querySelector('[data-enlarge="' + current + '"]') || opener;
      if (target) { target.focus(); }
    });
  });
})();
