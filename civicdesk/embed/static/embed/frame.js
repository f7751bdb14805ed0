// Inside an embedded CivicDesk page: tell the framing page how tall this page is, on load, on resize and
// whenever the page changes, so the frame grows and shrinks with it (civicdesk-embed.js listens).
// Messages go only to the sites allowed to embed this jurisdiction (data-parent-origins) and to CivicDesk itself
// (the staff preview); they carry nothing but the height.
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var footer = document.querySelector("[data-parent-origins]");
  var targets = ((footer && footer.getAttribute("data-parent-origins")) || "").split(/\s+/).filter(Boolean);
  targets.push(window.location.origin);
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
