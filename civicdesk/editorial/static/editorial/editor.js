// The editor's live Markdown preview (the Preview button does the same without JavaScript) and the
// "Insert image" button. Posts the text to the preview URL, which answers sanitised HTML.
(function () {
  "use strict";
  var form = document.querySelector("form.cd-editor");
  if (!form) { return; }
  var url = form.getAttribute("data-preview-url");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var lastFocused = null;

  function update(textarea, target) {
    var body = new FormData();
    body.append("text", textarea.value);
    body.append("csrfmiddlewaretoken", token ? token.value : "");
    fetch(url, {method: "POST", body: body, credentials: "same-origin",
                headers: {"X-CSRFToken": token ? token.value : ""}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        // The server sanitised this HTML (civicdesk/lib/markdown.py); it is parsed, never executed.
        var parsed = new DOMParser().parseFromString(html, "text/html");
        target.replaceChildren.apply(target, Array.prototype.slice.call(parsed.body.childNodes));
      })
      .catch(function () { /* the Preview button still works */ });
  }

  form.querySelectorAll("textarea[data-markdown]").forEach(function (textarea) {
    var box = form.querySelector('[data-preview-for="' + textarea.id + '"]');
    if (!box) { return; }
    var target = box.querySelector(".cd-live-preview__body");
    box.hidden = false;
    var timer = null;
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { update(textarea, target); }, 400);
    });
    textarea.addEventListener("focus", function () { lastFocused = textarea; });
    update(textarea, target);
  });

  var button = form.querySelector(".cd-insert-image__button");
  var select = document.getElementById("insert-image");
  if (button && select) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var textarea = lastFocused || form.querySelector("textarea[data-markdown]");
      if (!textarea) { return; }
      var start = textarea.selectionStart || textarea.value.length;
      var end = textarea.selectionEnd || start;
      textarea.value = textarea.value.slice(0, start) + select.value + textarea.value.slice(end);
      textarea.focus();
      textarea.dispatchEvent(new Event("input"));
    });
  }
})();
