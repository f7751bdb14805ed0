// "Is this what you need?": as a resident (or an agent) types a report's description, ask the server for
// the answer pages that match (/search/answers.json) and list them under the field. Never moves the focus;
// a polite live region says how many answers there are. Without JavaScript the page shows them after the
// description is sent. The description is sent only to be read; it is never stored.
(function () {
  "use strict";
  if (!window.fetch) { return; }
  document.querySelectorAll("[data-answers]").forEach(function (box) {
    var field = document.getElementById(box.dataset.answersFor);
    if (!field) { return; }
    var list = box.querySelector("ul");
    var status = box.querySelector("[aria-live]");
    var timer = null;
    var latest = 0;
    var asked = "";

    function show(data) {
      list.textContent = "";
      data.answers.forEach(function (answer) {
        var item = document.createElement("li");
        item.className = "cd-answer";
        var link = document.createElement("a");
        link.className = "usa-link";
        link.href = answer.url;
        link.textContent = answer.title;
        var label = document.createElement("span");
        label.className = "cd-tag";
        label.textContent = answer.label;
        var extract = document.createElement("p");
        extract.className = "cd-answer__extract";
        extract.textContent = answer.extract;
        item.appendChild(link);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(label);
        item.appendChild(extract);
        list.appendChild(item);
      });
      box.querySelector("[data-answers-body]").hidden = data.answers.length === 0;
      status.textContent = data.status || "";
    }

    function ask() {
      var text = field.value.trim();
      if (text === asked) { return; }
      asked = text;
      var ticket = ++latest;
      var url = box.dataset.answers + (box.dataset.answers.indexOf("?") < 0 ? "?" : "&") + "text=" + encodeURIComponent(text.slice(0, 2000));
      fetch(url, {headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && ticket === latest) { show(data); } })
        .catch(function () { /* answers are a help: the report goes on without them */ });
    }

    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 600);
    });
  });
})();
