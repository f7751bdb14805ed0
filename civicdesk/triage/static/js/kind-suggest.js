// "Is this about a pothole?": as a resident (or an agent) describes the problem, ask the server which kinds
// of problem the words suggest (/report/suggest.json, rate-limited per client) and show them beside the
// field, as the page shows them without JavaScript once the words are sent. Never moves the focus; a polite
// live region says how many kinds are suggested. The words are only read, never stored.
(function () {
  "use strict";
  if (!window.fetch) { return; }
  document.querySelectorAll("[data-kind-suggest]").forEach(function (box) {
    var field = document.getElementById(box.dataset.kindSuggestFor);
    if (!field) { return; }
    var body = box.querySelector("[data-kind-suggest-body]");
    var status = box.querySelector("[data-kind-suggest-status]");
    var timer = null;
    var latest = 0;
    // What the server already answered for: the words the page was rendered with. Words typed before this
    // script ran (a slow connection) are asked about at once below.
    var asked = field.defaultValue.trim();

    function ask() {
      var text = field.value.trim();
      if (text === asked) { return; }
      asked = text;
      var ticket = ++latest;
      var url = box.dataset.kindSuggest + (box.dataset.kindSuggest.indexOf("?") < 0 ? "?" : "&") +
        "field=" + encodeURIComponent(field.id) + "&text=" + encodeURIComponent(text.slice(0, 2000));
      fetch(url, {headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || ticket !== latest) { return; }
          // The server renders the suggestions with the page's own template (text escaped there).
          body.innerHTML = data.html;
          status.textContent = data.status || "";
        })
        .catch(function () { /* suggestions are a help: the list still works without them */ });
    }

    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 500);
    });
    if (field.value.trim() !== asked) { ask(); }
  });
})();
