// Inside an embedded CivicDesk page: tell the framing page how tall this page is, on load, on resize and
// whenever the page changes, so the frame grows and shrinks with it (civicdesk-embed.js listens).
// Messages go only to the sites allowed to embed this jurisdiction (data-parent-origins) and to CivicDesk itself
// (the staff preview); they carry nothing but the height.
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var footer = document.querySelector("[data-parent-origins]");
  var allowed = ((footer && footer.getAttribute("data-parent-origins")) || "").split(/\s+/).filter(Boolean);
  var targets = allowed.filter(function (origin) { return origin.indexOf("*") === -1; });
  targets.push(window.location.origin);
  // A "https://*.riverbend.gov" entry cannot be a postMessage target: use the framing page's origin when it is
  // one of those subdomains (location.ancestorOrigins where the browser has it, else the first page's referrer).
  var parentOrigin = "";
  if (window.location.ancestorOrigins && window.location.ancestorOrigins.length) {
    parentOrigin = window.location.ancestorOrigins[0];
  } else {
    try { parentOrigin = document.referrer ? new URL(document.referrer).origin : ""; } catch (e) { parentOrigin = ""; }
  }
  allowed.forEach(function (origin) {
    var star = origin.indexOf("://*.");
    if (star === -1 || !parentOrigin) { return; }
    var scheme = origin.slice(0, star + 3);
    var suffix = origin.slice(star + 4);  // ".riverbend.gov" (with any port)
    var rest = parentOrigin.slice(scheme.length);
    if (parentOrigin.indexOf(scheme) === 0 && rest.length > suffix.length && rest.slice(-suffix.length) === suffix &&
        rest.slice(0, -suffix.length).indexOf("/") === -1) {
      targets.push(parentOrigin);
    }
  });
  var last = 0;
  var pending = false;

  function height() {
    var body = document.body;
    var rect = body.getBoundingClientRect();
    var style = window.getComputedStyle(body);
    return Math.ceil(rect.height + parseFloat(style.marginTop || "0") + parseFloat(style.marginBottom || "0"));
  }

  function send() {
    pending = false;
    var value = height();
    if (value === last) { return; }
    last = value;
    targets.forEach(function (origin) {
      try { window.parent.postMessage({ type: "civicdesk:height", height: value }, origin); } catch (e) { /* bad origin */ }
    });
  }

  function soon() {
    if (!pending) { pending = true; window.requestAnimationFrame(send); }
  }

  window.addEventListener("load", soon);
  window.addEventListener("resize", soon);
  if (window.ResizeObserver) { new ResizeObserver(soon).observe(document.body); }
  if (window.MutationObserver) {
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true, attributes: true });
  }
  soon();
}());
