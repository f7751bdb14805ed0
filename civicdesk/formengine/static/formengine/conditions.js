/* Conditional questions (formengine): show a question only while the answer it depends on is chosen.
   Progressive enhancement: without this script every question shows and the server skips those that do not
   apply. A hidden question's inputs are disabled, so they are neither focusable nor sent. */
(function () {
  "use strict";
  var wrappers = Array.prototype.slice.call(document.querySelectorAll("[data-question]"));
  if (!wrappers.length) { return; }
  function chosen(name) {
    var wrapper = document.querySelector('[data-question="' + name + '"]');
    if (wrapper && wrapper.hidden) { return []; }
    var inputs = document.querySelectorAll('input[name="' + name + '"]');
    var values = [];
    Array.prototype.forEach.call(inputs, function (input) { if (input.checked) { values.push(input.value); } });
    return values;
  }
  function update() {
    wrappers.forEach(function (wrapper) {
      var trigger = wrapper.getAttribute("data-show-if");
      if (!trigger || !document.querySelector('input[name="' + trigger + '"]')) { return; }
      var wanted = (wrapper.getAttribute("data-show-values") || "").split(",");
      var show = chosen(trigger).some(function (value) { return wanted.indexOf(value) !== -1; });
      wrapper.hidden = !show;
      Array.prototype.forEach.call(wrapper.querySelectorAll("input, select, textarea"), function (input) {
        input.disabled = !show;
      });
    });
  }
  document.addEventListener("change", update);
  update();
})();
