/* Services A–Z: the filter box narrows the list as the resident types (accents and case ignored), hides
   letters left empty, and says how many services are shown. Without this script the whole list shows. */
(function () {
  "use strict";
  var box = document.getElementById("az-filter");
  var input = document.getElementById("az-filter-input");
  if (!box || !input) { return; }
  var status = document.getElementById("az-filter-status");
  var none = document.getElementById("az-none");
  var items = Array.prototype.slice.call(document.querySelectorAll(".cd-az-item"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".cd-az-group"));
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  items.forEach(function (item) { item.cdText = fold(item.getAttribute("data-filter-text")); });
  var timer = null;
  function apply() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var match = words.every(function (word) { return item.cdText.indexOf(word) !== -1; });
      item.hidden = !match;
      if (match) { shown += 1; }
    });
    groups.forEach(function (group) {
      var visible = group.querySelector(".cd-az-item:not([hidden])");
      group.hidden = !visible;
      var link = document.querySelector('[data-letter-link="' + group.getAttribute("data-letter") + '"]');
      if (link) { link.parentNode.hidden = !visible; }
    });
    if (none) { none.hidden = shown !== 0; }
    if (status) {
      status.textContent = words.length ? (shown === 1 ? box.getAttribute("data-count-one")
        : box.getAttribute("data-count-many").replace("{count}", String(shown))) : "";
    }
  }
  box.hidden = false;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(apply, 120);
  });
})();
