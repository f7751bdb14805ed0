/* Hotspot cells on a Leaflet map above their table. Optional: without this script the table says it all. */
(function () {
  "use strict";
  var el = document.getElementById("insights-map");
  var source = document.getElementById("insights-cells");
  if (!el || !source || typeof L === "undefined" || !window.civicdeskMap) { return; }
  var cells;
  try { cells = JSON.parse(source.textContent); } catch (e) { return; }
  if (!cells.length) { return; }
  el.hidden = false;
  var help = document.getElementById("insights-map-help");
  if (help) { help.hidden = false; }
  var map = window.civicdeskMap(el);
  var group = L.featureGroup().addTo(map);
  cells.forEach(function (cell) {
    var b = cell.bounds;
    var box = L.rectangle([[b[0], b[1]], [b[2], b[3]]], { color: "#b50909", weight: 2, fillOpacity: 0.25 });
    var link = document.createElement("a");
    link.href = cell.url;
    link.textContent = cell.service + " · " + cell.label + " (" + cell.observed + ")";
    box.bindPopup(link);
    box.addTo(group);
  });
  map.fitBounds(group.getBounds(), { padding: [16, 16], maxZoom: 16 });
}());
