// Suggestions as you type under a site search box (the header's, the search page's): a WAI-ARIA 1.2
// combobox with a listbox. The box stays a plain GET form: without JavaScript, or when nothing is chosen,
// Enter sends the query to /search/. Arrow keys move through the suggestions, Enter opens the one chosen,
// Escape closes the list (and, closed, clears the box); a polite live region says how many there are.
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var counter = 0;

  function setUp(wrapper) {
    var input = wrapper.querySelector("input");
    if (!input) { return; }
    var id = "cd-suggest-" + (++counter);
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "cd-suggest__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", wrapper.dataset.suggestLabel || "Suggestions");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "usa-sr-only";
    // A live region without role="status", so the page's own status messages stay the only "status".
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");
    wrapper.appendChild(list);
    wrapper.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var cache = {};
    var timer = null;
    var latest = 0;
    var active = -1;
    var items = [];

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      items.forEach(function (item, n) { item.setAttribute("aria-selected", n === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(data) {
      list.textContent = "";
      items = data.suggestions.map(function (suggestion, n) {
        var item = document.createElement("li");
        item.id = id + "-option-" + n;
        item.className = "cd-suggest__option";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.url = suggestion.url;
        var title = document.createElement("span");
        title.textContent = suggestion.title;
        var label = document.createElement("span");
        label.className = "cd-suggest__label";
        label.textContent = suggestion.label;
        item.appendChild(title);
        item.appendChild(label);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { window.location.assign(suggestion.url); });
        list.appendChild(item);
        return item;
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      status.textContent = data.status || "";
    }

    function ask() {
      var query = input.value.trim().replace(/\s+/g, " ");
      if (query.length < 2) { close(); status.textContent = ""; return; }
      if (cache[query]) { show(cache[query]); return; }
      var ticket = ++latest;
      fetch(wrapper.dataset.suggest + "?q=" + encodeURIComponent(query), {headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || ticket !== latest) { return; }
          cache[query] = data;
          show(data);
        })
        .catch(function () { /* suggestions are a help, not the search: Enter still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        if (list.hidden) { if (items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } else { ask(); } }
        if (items.length) { highlight(active + 1 >= items.length ? 0 : active + 1); }
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        if (!list.hidden && items.length) { highlight(active <= 0 ? items.length - 1 : active - 1); }
        event.preventDefault();
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          window.location.assign(items[active].dataset.url);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) { close(); } else { input.value = ""; }
        event.preventDefault();
      }
    });
    input.addEventListener("blur", close);
    // The wide-screen header opens the box with a magnifier (a <details>): put the caret in it.
    var toggle = wrapper.closest("details.cd-search-toggle");
    if (toggle) {
      toggle.addEventListener("toggle", function () { if (toggle.open && window.matchMedia("(min-width: 64em)").matches) { input.focus(); } });
    }
  }

  document.querySelectorAll("[data-suggest]").forEach(setUp);
})();
