/* A department's office on a small map. Without this script the page shows the address and a directions link. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined" || !window.civicdeskMap) { return; }
  var point = [parseFloat(el.dataset.lat), parseFloat(el.dataset.long)];
  el.hidden = false;
  var help = document.getElementById("map-help");
  if (help) { help.hidden = false; }
  var map = window.civicdeskMap(el, point, 16);
  L.marker(point, { title: el.dataset.label || "", alt: el.dataset.label || "", keyboard: false }).addTo(map);
})();
