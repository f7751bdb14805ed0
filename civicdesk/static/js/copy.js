// "Copy" buttons (progressive enhancement): a <button hidden data-copy-target="id"> copies the text of that
// element, a <button hidden data-copy-text="..."> copies its own text; shown only where the clipboard works.
// The result is said in the element named by data-copy-status (an aria-live region).
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) { return; }
  document.querySelectorAll("button[data-copy-target], button[data-copy-text]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var target = button.getAttribute("data-copy-target");
      var text = target ? (document.getElementById(target) || {}).textContent : button.getAttribute("data-copy-text");
      var status = document.getElementById(button.getAttribute("data-copy-status") || "");
      navigator.clipboard.writeText(text || "").then(function () {
        if (status) { status.textContent = button.getAttribute("data-copied") || "Copied."; }
      }, function () {
        if (status) { status.textContent = button.getAttribute("data-copy-failed") || "Could not copy."; }
      });
    });
  });
}());
