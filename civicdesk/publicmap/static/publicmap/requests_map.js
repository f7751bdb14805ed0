/* The public map of requests: counts per area from /map/cells.json, individual requests when zoomed in.
   The page works without this script: the list (/map/list/) shows the same requests in words. */
(function () {
  "use strict";
  var el = document.getElementById("requests-map");
  if (!el || typeof L === "undefined" || !window.civicdeskMap || !window.fetch) { return; }
  var data = el.dataset;
  el.hidden = false;
  var help = document.getElementById("requests-map-help");
  if (help) { help.hidden = false; }
  var status = document.getElementById("requests-map-status");
  var map = window.civicdeskMap(el, [parseFloat(data.lat), parseFloat(data.long)], parseInt(data.zoom || "13", 10));

  var layer = L.layerGroup().addTo(map);
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return String(values[name]); });
  }
  function cellMarker(cell) {
    var size = cell.count < 10 ? "s" : (cell.count < 100 ? "m" : "l");
    var px = size === "s" ? 32 : (size === "m" ? 40 : 48);
    var label = format(data.msgCell || "%(count)s", { count: cell.count });
    var marker = L.marker([cell.lat, cell.long], {
      title: label, alt: label, keyboard: true, riseOnHover: true,
      icon: L.divIcon({ className: "cd-cell cd-cell--" + size, html: "", iconSize: [px, px] })
    });
    marker.on("add", function () {
      var icon = marker.getElement();
      if (icon) { icon.textContent = String(cell.count); icon.setAttribute("aria-label", label); }
    });
    marker.on("click", function () {
      var b = cell.bounds;
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { maxZoom: Math.min(map.getZoom() + 3, 19) });
    });
    marker.on("keydown", function (event) {
      var key = event.originalEvent.key;
      if (key === "Enter" || key === " ") { event.originalEvent.preventDefault(); marker.fire("click"); }
    });
    return marker;
  }
  function pointMarker(point) {
    // A focusable marker (not an SVG circle): Tab reaches every request, Enter or Space opens its link.
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.id + ": " + point.kind + " · " + point.status;
    var label = link.textContent;
    var marker = L.marker([point.lat, point.long], {
      title: label, alt: label, keyboard: true, riseOnHover: true,
      icon: L.divIcon({ className: "cd-point cd-point--" + (point.open ? "open" : "closed"), html: "", iconSize: [20, 20] })
    }).bindPopup(link);
    marker.on("add", function () {
      var icon = marker.getElement();
      if (icon) { icon.setAttribute("aria-label", label); icon.setAttribute("role", "button"); }
    });
    marker.on("keydown", function (event) {
      var key = event.originalEvent.key;
      if (key === "Enter" || key === " ") { event.originalEvent.preventDefault(); marker.openPopup(); link.focus(); }
    });
    return marker;
  }

  // The view goes into the address (?lat=&long=&zoom=, beside the filters) so a copied link opens the same
  // place, and into the filter form so choosing filters keeps it.
  var filterForm = document.querySelector("form.cd-map-filters");
  function positionField(name) {
    if (!filterForm) { return null; }
    var field = filterForm.querySelector("input[type=hidden][name=" + name + "]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = name;
      filterForm.appendChild(field);
    }
    return field;
  }
  function rememberPosition(inAddress) {
    var centre = map.getCenter();
    var values = { lat: centre.lat.toFixed(5), long: centre.lng.toFixed(5), zoom: String(map.getZoom()) };
    Object.keys(values).forEach(function (name) {
      var field = positionField(name);
      if (field) { field.value = values[name]; }
    });
    if (inAddress && window.history && window.history.replaceState) {
      var position = "lat=" + values.lat + "&long=" + values.long + "&zoom=" + values.zoom;
      window.history.replaceState(null, "", window.location.pathname + "?" + (data.query ? data.query + "&" : "") + position);
    }
  }

  // The view asked for is the visible one widened to whole map tiles (360 / 2^zoom degrees, four cells):
  // such a view is counted from the server's roll-up and is the same for every reader looking at the same
  // tiles (so caches share it). Zoomed in far enough for dots, the visible view is asked for as it is.
  var POINTS_ZOOM = 15;
  function askedBox() {
    var b = map.getBounds(), zoom = map.getZoom();
    if (zoom >= POINTS_ZOOM) { return b.toBBoxString(); }
    var tile = 360 / Math.pow(2, zoom);
    var west = Math.max(-180, Math.floor(b.getWest() / tile) * tile);
    var south = Math.max(-90, Math.floor(b.getSouth() / tile) * tile);
    var east = Math.min(180, Math.ceil(b.getEast() / tile) * tile);
    var north = Math.min(90, Math.ceil(b.getNorth() / tile) * tile);
    return [west, south, east, north].map(String).join(",");
  }
  function shownTotal(body) {
    // The status line counts what is drawn inside the visible map, not the tiles around it.
    var visible = map.getBounds(), total = 0;
    body.cells.forEach(function (cell) { if (visible.contains([cell.lat, cell.long])) { total += cell.count; } });
    body.points.forEach(function (point) { if (visible.contains([point.lat, point.long])) { total += 1; } });
    return total;
  }

  var asked = 0, pending = null;
  function load() {
    var ticket = ++asked;
    var url = data.cellsUrl + "?bbox=" + askedBox() + "&zoom=" + map.getZoom() +
      (data.query ? "&" + data.query : "");
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
      .then(function (body) {
        if (ticket !== asked) { return; }
        layer.clearLayers();
        body.cells.forEach(function (cell) { cellMarker(cell).addTo(layer); });
        body.points.forEach(function (point) { pointMarker(point).addTo(layer); });
        el.dataset.cells = String(body.cells.length);
        el.dataset.points = String(body.points.length);
        if (status) {
          status.textContent = format(data.msgStatus || "%(total)s", { total: shownTotal(body).toLocaleString(document.documentElement.lang || undefined) }) +
            (body.points_truncated && data.msgMore ? " " + data.msgMore : "");
        }
        el.dispatchEvent(new CustomEvent("cd:loaded", { detail: body }));
      })
      .catch(function () {
        if (ticket === asked && status) { status.textContent = data.msgError || ""; }
      });
  }
  map.on("moveend", function () { clearTimeout(pending); pending = setTimeout(load, 250); rememberPosition(true); });
  rememberPosition(false);
  load();
})();
