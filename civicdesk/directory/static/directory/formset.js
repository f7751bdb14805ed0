// "Add a day" / "Add a fee" in the directory editor's formsets: copies the row template (the formset's
// empty form), numbers it and raises TOTAL_FORMS. Without JavaScript the blank rows already on the page do.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (box) {
    var prefix = box.getAttribute("data-formset");
    var total = box.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = box.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    var template = box.querySelector("template.cd-rows__template");
    var list = box.querySelector(".cd-rows__list");
    var button = box.querySelector(".cd-rows__add");
    if (!total || !template || !list || !button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) { return; }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var parsed = new DOMParser().parseFromString(html, "text/html");
      var row = parsed.body.firstElementChild;
      if (!row) { return; }
      var legend = row.querySelector("legend");
      if (legend) { legend.textContent = legend.textContent.trim() + " " + (index + 1); }
      list.appendChild(document.importNode(row, true));
      total.value = String(index + 1);
      var first = list.lastElementChild.querySelector("input, select");
      if (first) { first.focus(); }
    });
  });
})();
