/* Notice areas on a Leaflet map: shown on the public page, drawn corner by corner in the staff editor.
   Without this script the pages still work: the editor has a GeoJSON box and district checkboxes. */
(function () {
  "use strict";
  var el = document.getElementById("notice-map");
  if (!el || typeof L === "undefined" || !window.civicdeskMap) { return; }
  var data = el.dataset;
  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }
  var map = window.civicdeskMap(el);
  var fallback = [parseFloat(data.lat), parseFloat(data.long)];
  var zoom = parseInt(data.zoom || "13", 10);
  var areaStyle = { color: "#b50909", weight: 3, fillOpacity: 0.15 };

  if (data.mode === "show") {
    var area = readJson("notice-area");
    var help = document.getElementById("notice-map-help");
    el.hidden = false;
    if (help) { help.hidden = false; }
    if (area) {
      var shown = L.geoJSON(area, { interactive: false, style: areaStyle }).addTo(map);
      map.fitBounds(shown.getBounds(), { padding: [12, 12] });
    } else {
      map.setView(fallback, zoom);
    }
    return;
  }

  // --- drawing --------------------------------------------------------------------------------------
  var input = document.getElementById(data.input);
  var tools = document.getElementById("area-tools");
  var status = document.getElementById("area-status");
  if (!input || !tools) { return; }
  tools.hidden = false;
  var boundsSet = false;
  (readJson("notice-boundaries") || []).forEach(function (item) {
    var outline = L.geoJSON(item.geojson, {
      interactive: false, style: { color: "#005ea2", weight: 2, dashArray: "4 4", fillOpacity: 0 }
    }).addTo(map);
    if (!boundsSet) { map.fitBounds(outline.getBounds()); boundsSet = true; }
  });
  if (!boundsSet) { map.setView(fallback, zoom); }

  var corners = [];      // [{latlng, marker}] in drawing order
  var polygon = null;    // the outline being drawn
  var foreign = null;    // an area the tool cannot edit corner by corner (several parts, holes)

  function say(text) { if (status) { status.textContent = text; } }
  function countText() { return (data.msgCount || "%(count)s").replace("%(count)s", String(corners.length)); }

  function writeInput() {
    if (corners.length < 3) { input.value = ""; return; }
    var ring = corners.map(function (c) {
      return [Number(c.latlng.lng.toFixed(6)), Number(c.latlng.lat.toFixed(6))];
    });
    ring.push(ring[0].slice());
    input.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
  }

  function redraw(announce) {
    var latlngs = corners.map(function (c) { return c.latlng; });
    if (polygon) { map.removeLayer(polygon); polygon = null; }
    if (latlngs.length >= 2) { polygon = L.polygon(latlngs, areaStyle).addTo(map); }
    writeInput();
    if (announce) {
      say(countText() + " " + (corners.length >= 3 ? (data.msgClosed || "") : (data.msgNeed || "")));
    }
  }

  function cornerIcon() {
    return L.divIcon({ className: "cd-corner", iconSize: [16, 16], iconAnchor: [8, 8] });
  }

  function addCorner(latlng, announce) {
    if (foreign) { return; }
    var corner = { latlng: latlng, marker: null };
    corner.marker = L.marker(latlng, {
      draggable: true, icon: cornerIcon(), keyboard: false,
      title: (data.labelCorner || "") + " " + (corners.length + 1)
    }).addTo(map);
    corner.marker.on("drag", function (event) { corner.latlng = event.target.getLatLng(); redraw(false); });
    corner.marker.on("dragend", function () { redraw(true); });
    corners.push(corner);
    redraw(announce !== false);
  }

  function clearAll() {
    corners.forEach(function (c) { map.removeLayer(c.marker); });
    corners = [];
    if (foreign) { map.removeLayer(foreign); foreign = null; }
    redraw(false);
    say(data.msgCleared || "");
  }

  // Start from what the form holds: a simple polygon becomes draggable corners; anything else is shown
  // as it is and edited as GeoJSON text (or cleared and drawn again).
  function loadFromInput() {
    var value = input.value.trim();
    if (!value) { return; }
    var geojson;
    try { geojson = JSON.parse(value); } catch (e) { return; }
    var geometry = geojson && geojson.type === "Feature" ? geojson.geometry : geojson;
    if (geometry && geometry.type === "Polygon" && geometry.coordinates.length === 1) {
      var ring = geometry.coordinates[0].slice(0, -1);
      ring.forEach(function (pair) { addCorner(L.latLng(pair[1], pair[0]), false); });
      if (polygon) { map.fitBounds(polygon.getBounds(), { padding: [20, 20] }); }
      return;
    }
    foreign = L.geoJSON(geojson, { interactive: false, style: areaStyle }).addTo(map);
    try { map.fitBounds(foreign.getBounds(), { padding: [20, 20] }); } catch (e) { /* empty shape */ }
    say(data.msgMulti || "");
  }

  loadFromInput();
  map.on("click", function (event) { addCorner(event.latlng); });
  el.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target === el) { event.preventDefault(); addCorner(map.getCenter()); }
  });
  tools.addEventListener("click", function (event) {
    var action = event.target && event.target.getAttribute("data-area");
    if (action === "add") { addCorner(map.getCenter()); }
    if (action === "undo" && corners.length) {
      map.removeLayer(corners.pop().marker);
      redraw(true);
    }
    if (action === "clear") { clearAll(); }
  });
  // Typing or pasting GeoJSON replaces the drawing.
  input.addEventListener("change", function () {
    corners.forEach(function (c) { map.removeLayer(c.marker); });
    corners = [];
    if (foreign) { map.removeLayer(foreign); foreign = null; }
    if (polygon) { map.removeLayer(polygon); polygon = null; }
    loadFromInput();
  });
})();
