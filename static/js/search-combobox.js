// The header search box as an ARIA 1.2 combobox (list autocomplete, no automatic selection). Progressive
// enhancement: without this script the box is a plain search form. Keys: Down/Up move through the
// suggestions (Alt+Down opens them), Enter follows the highlighted one or searches what was typed, Escape
// closes the list (or clears the box when it is already closed), Tab leaves.
(function () {
  "use strict";
  var root = document.querySelector("[data-combobox]");
  if (!root || !window.fetch) { return; }
  var input = root.querySelector("input");
  var listbox = root.querySelector("[role=listbox]");
  var status = root.querySelector("[role=status]");
  var url = root.getAttribute("data-suggest-url");
  var items = [];
  var active = -1;
  var timer = null;
  var controller = null;
  var lastQuery = null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listbox.id);

  function open() {
    if (!items.length) { return; }
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function setActive(index) {
    var options = listbox.querySelectorAll("[role=option]");
    active = index;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(suggestions) {
    items = suggestions;
    listbox.textContent = "";
    suggestions.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "site-search-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.className = "combobox__option combobox__option--" + item.type;
      var kind = document.createElement("span");
      kind.className = "combobox__kind";
      kind.textContent = item.type === "product" ? "Product" : "Search";
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" " + item.label));
      // mousedown, not click: the input keeps focus (and the list stays open) until we navigate.
      li.addEventListener("mousedown", function (event) { event.preventDefault(); go(i); });
      listbox.appendChild(li);
    });
    active = -1;
    if (suggestions.length) {
      open();
      status.textContent = suggestions.length + (suggestions.length === 1 ? " suggestion" : " suggestions") +
        ". Use the up and down arrow keys to choose.";
    } else {
      close();
      status.textContent = "";
    }
  }

  function go(index) {
    var item = items[index];
    if (item) { window.location.assign(item.url); }
  }

  function fetchSuggestions() {
    var q = input.value.trim();
    if (q === lastQuery) { open(); return; }
    lastQuery = q;
    if (q.length < 2) { render([]); return; }
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    fetch(url + "?q=" + encodeURIComponent(q), {
      headers: { "Accept": "application/json" },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.ok ? response.json() : { suggestions: [] };
    }).then(function (data) {
      if (input.value.trim() === q) { render(data.suggestions || []); }
    }).catch(function () { /* offline or aborted: the form still searches */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });

  input.addEventListener("keydown", function (event) {
    var expanded = !listbox.hidden;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!expanded) { if (items.length) { open(); } else { fetchSuggestions(); } if (event.altKey) { return; } }
        if (items.length) { setActive(active + 1 >= items.length ? 0 : active + 1); }
        break;
      case "ArrowUp":
        event.preventDefault();
        if (!expanded) { open(); }
        if (items.length) { setActive(active <= 0 ? items.length - 1 : active - 1); }
        break;
      case "Enter":
        if (expanded && active >= 0) { event.preventDefault(); go(active); }
        break;  // otherwise the form submits what was typed
      case "Escape":
        if (expanded) { event.preventDefault(); close(); }
        else if (input.value) { event.preventDefault(); input.value = ""; lastQuery = null; render([]); }
        break;
      case "Tab":
        close();
        break;
      default:
        break;
    }
  });

  input.addEventListener("blur", function () { close(); });
  input.addEventListener("focus", function () { if (items.length && input.value.trim() === lastQuery) { open(); } });
})();
