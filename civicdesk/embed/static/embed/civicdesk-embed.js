/*
 * CivicDesk embed: paste into a page of the city's website
 *
 *   <div data-civicdesk-embed="report" data-jurisdiction="riverbend"></div>
 *   <script src="https://civicdesk.example.gov/static/embed/civicdesk-embed.js" async></script>
 *
 * data-civicdesk-embed: report | report:<service code> | track | services | survey:<slug>
 * data-jurisdiction:    the jurisdiction's short name
 * data-lang (optional): en | es | ar (otherwise the visitor's browser language)
 * data-title (optional): the frame's accessible name
 *
 * Each element gets a full-width iframe of the CivicDesk page, whose height follows the page inside it (height
 * messages are accepted only from the CivicDesk site this script came from, and only as a number).
 * No dependencies, no cookies of its own, nothing sent anywhere. See docs/embed.md.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    var scripts = document.querySelectorAll("script[src*='civicdesk-embed.js']");
    script = scripts[scripts.length - 1];
  }
  if (!script) { return; }
  var origin = new URL(script.src, window.location.href).origin;
  var PATHS = { report: "report/", track: "requests/", services: "services/" };
  var TITLES = { report: "Report a problem", track: "Track a request", services: "Services A–Z",
                 survey: "Survey" };
  var SAFE = /^[A-Za-z0-9_-]+$/;
  var frames = [];

  function pathOf(kind) {
    var parts = String(kind || "").split(":");
    var name = parts[0];
    var argument = parts.slice(1).join(":");
    if (argument && !SAFE.test(argument)) { return null; }
    if (name === "report") { return argument ? "report/" + argument + "/" : "report/"; }
    if (name === "survey") { return argument ? "surveys/" + argument + "/" : null; }
    return argument ? null : (PATHS[name] || null);
  }

  function mount(element) {
    if (element.getAttribute("data-civicdesk-mounted")) { return; }
    var kind = element.getAttribute("data-civicdesk-embed");
    var jurisdiction = element.getAttribute("data-jurisdiction") || "";
    var lang = element.getAttribute("data-lang") || "";
    var path = pathOf(kind);
    if (!path || !SAFE.test(jurisdiction) || (lang && !/^[a-z]{2}$/.test(lang))) {
      if (window.console) { window.console.warn("CivicDesk embed: unknown page", kind, jurisdiction); }
      return;
    }
    element.setAttribute("data-civicdesk-mounted", "1");
    var frame = document.createElement("iframe");
    frame.src = origin + "/embed/" + jurisdiction + "/" + (lang ? lang + "/" : "") + path;
    frame.title = element.getAttribute("data-title") || TITLES[String(kind).split(":")[0]] || "CivicDesk";
    frame.setAttribute("loading", "lazy");
    frame.setAttribute("allow", "geolocation");
    frame.style.width = "100%";
    frame.style.minHeight = "320px";
    frame.style.height = "600px";
    frame.style.border = "0";
    frame.style.display = "block";
    element.appendChild(frame);
    frames.push(frame);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) { return; }
    var data = event.data;
    if (!data || data.type !== "civicdesk:height" || typeof data.height !== "number" || !isFinite(data.height)) {
      return;
    }
    var height = Math.max(200, Math.min(20000, Math.round(data.height)));
    for (var i = 0; i < frames.length; i += 1) {
      if (frames[i].contentWindow === event.source) { frames[i].style.height = height + "px"; }
    }
  });

  function mountAll() {
    var elements = document.querySelectorAll("[data-civicdesk-embed]");
    for (var i = 0; i < elements.length; i += 1) { mount(elements[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
}());
