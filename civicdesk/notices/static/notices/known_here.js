/* On the report form's map step: when the pin lands inside an active disruption notice, say so at once
   ("We already know about this"). The details step says the same from the server, so this is a bonus. */
(function () {
  "use strict";
  var box = document.getElementById("known-notices");
  var map = document.getElementById("map");
  if (!box || !map || !window.fetch) { return; }
  var url = box.getAttribute("data-url");
  var latest = 0;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function render(notices) {
    // The box stays in the page (empty) so screen readers announce what is added to it.
    box.textContent = "";
    if (!notices.length) { return; }
    var section = element("section", "cd-known");
    section.setAttribute("data-testid", "known-issues");
    section.appendChild(element("h2", "", box.getAttribute("data-heading")));
    section.appendChild(element("p", "", box.getAttribute("data-intro")));
    notices.forEach(function (notice) {
      var variant = { major: "usa-alert--error", minor: "usa-alert--warning" }[notice.severity] || "usa-alert--info";
      var article = element("article", "usa-alert " + variant + " cd-notice");
      article.setAttribute("data-testid", "notice");
      var body = element("div", "usa-alert__body");
      var label = element("p", "usa-alert__text");
      label.appendChild(element("strong", "", notice.severity_label));
      body.appendChild(label);
      var heading = element("h3", "usa-alert__heading");
      var link = element("a", "usa-link", notice.title);
      link.href = notice.url;
      heading.appendChild(link);
      body.appendChild(heading);
      body.appendChild(element("p", "usa-alert__text", notice.dates));
      notice.body.split(/\n\s*\n/).forEach(function (paragraph) {
        body.appendChild(element("p", "usa-alert__text", paragraph));
      });
      article.appendChild(body);
      section.appendChild(article);
    });
    box.appendChild(section);
  }

  map.addEventListener("cd:pinned", function (event) {
    var ticket = ++latest;
    var query = "&lat=" + encodeURIComponent(event.detail.lat.toFixed(6)) +
      "&long=" + encodeURIComponent(event.detail.lng.toFixed(6));
    fetch(url + query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { notices: [] }; })
      .then(function (payload) { if (ticket === latest) { render(payload.notices || []); } })
      .catch(function () { /* the details step still shows the notices */ });
  });
})();
