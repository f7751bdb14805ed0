/* Boundaries on a Leaflet map: the upload preview (each shape labelled with its name, refused ones dashed red,
   the jurisdiction's outline dotted) and the admin's read-only boundary map. Optional: without this script
   the preview's table lists every shape and its checks, and the admin says where to replace the boundary. */
(function () {
  "use strict";
  if (typeof L === "undefined" || !window.civicdeskMap) { return; }
  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }
  function show(el, helpId) {
    el.hidden = false;
    var help = document.getElementById(helpId);
    if (help) { help.hidden = false; }
  }
  var okStyle = { color: "#005ea2", weight: 2, fillOpacity: 0.15 };
  var refusedStyle = { color: "#b50909", weight: 3, dashArray: "6 4", fillOpacity: 0.1 };
  var outlineStyle = { color: "#1b1b1b", weight: 2, dashArray: "2 4", fill: false };

  function draw(el, shapes, outline) {
    if (!shapes) { return; }
    var map = window.civicdeskMap(el);
    var group = L.featureGroup().addTo(map);
    if (outline) { L.geoJSON(outline, { interactive: false, style: outlineStyle }).addTo(group); }
    L.geoJSON(shapes, {
      style: function (feature) { return feature.properties && feature.properties.refused ? refusedStyle : okStyle; },
      onEachFeature: function (feature, layer) {
        if (feature.properties && feature.properties.name) {
          layer.bindTooltip(feature.properties.name, { permanent: true, direction: "center", className: "cd-boundary-label" });
        }
      }
    }).addTo(group);
    var bounds = group.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12] }); } else { map.setView([0, 0], 1); }
  }

  function start() {
    var preview = document.getElementById("boundary-map");
    if (preview) {
      show(preview, "boundary-map-help");
      draw(preview, readJson("boundary-preview"), readJson("boundary-outline"));
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-boundary-widget]"), function (el) {
      var source = el.getAttribute("data-boundary-widget");
      show(el, source + "-help");
      draw(el, readJson(source), null);
    });
  }
  // The admin loads form media in <head>, before the widget exists; the console loads it at the end of <body>.
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
