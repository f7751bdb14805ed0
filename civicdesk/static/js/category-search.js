// Live filter for the category page: as the resident types, ask the server for the same forgiving ranking
// the search button gives (/report/search.json), show the best matches first, and show the "call 911"
// alert when the words read like an emergency. Without JavaScript the form does the same in a page load.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-search]");
  var groups = document.getElementById("category-groups");
  if (!form || !groups || !window.fetch) { return; }
  var input = form.querySelector("input[name=q]");
  var results = document.getElementById("search-results");
  var list = results.querySelector("ul");
  var empty = results.querySelector("p");
  var status = document.getElementById("search-status");
  var alert = document.getElementById("search-emergency");
  var items = {};
  groups.querySelectorAll("li[data-code]").forEach(function (li) {
    if (!items[li.dataset.code]) { items[li.dataset.code] = li; }
  });
  var timer = null;
  var latest = 0;

  function showAll() {
    results.hidden = true;
    groups.hidden = false;
    alert.hidden = true;
    status.textContent = "";
  }

  function show(data) {
    list.textContent = "";
    data.codes.forEach(function (code) {
      if (items[code]) { list.appendChild(items[code].cloneNode(true)); }
    });
    empty.hidden = list.children.length > 0;
    results.hidden = false;
    groups.hidden = true;
    if (data.emergency) {
      alert.querySelectorAll("a[href^='tel:']").forEach(function (link) {
        link.textContent = data.emergency_number;
        link.href = "tel:" + data.emergency_number.replace(/[^\d+]/g, "");
      });
    }
    alert.hidden = !data.emergency;
    status.textContent = data.status;
  }

  function search() {
    var query = input.value.trim();
    if (!query) { showAll(); return; }
    var ticket = ++latest;
    fetch(form.dataset.liveSearch + "?q=" + encodeURIComponent(query), {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && ticket === latest) { show(data); } })
      .catch(function () { /* the search button still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
})();
