// Error summary (includes/error_summary.html): move focus to it once the page loads, and make each
// link focus the field it names, scrolled so the field's label shows too. No inline script (CSP).
(function () {
  "use strict";
  function start() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    if (document.activeElement !== summary) { summary.focus(); }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!field) { return; }
      event.preventDefault();
      var group = field.closest(".usa-form-group, fieldset") || field;
      group.scrollIntoView();
      field.focus({preventScroll: true});
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
