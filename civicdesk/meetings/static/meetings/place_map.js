/* A meeting's place on a Leaflet map: shown on the public page; picked by clicking in the staff editor,
   which fills the latitude and longitude fields. Without this script both pages work: the address is
   written out, and staff type the coordinates or leave them empty. */
(function () {
  "use strict";
  var el = document.getElementById("meeting-map");
  if (!el || typeof L === "undefined") { return; }
  var data = el.dataset;
  var map = L.map(el, { keyboard: true });
  el.leafletMap = map;  // for browser tests (one map per page)
  if (data.tiles) { L.tileLayer(data.tiles, { maxZoom: 19, attribution: data.attribution || "" }).addTo(map); }
  var zoom = parseInt(data.zoom || "15", 10);
  var help = document.getElementById("meeting-map-help");
  el.hidden = false;
  if (help) { help.hidden = false; }

  if (data.mode === "show") {
    var node = document.getElementById("meeting-place");
    var place = node ? JSON.parse(node.textContent) : null;
    if (!place) { return; }
    L.marker([place.lat, place.long], { keyboard: false, title: place.label || "" }).addTo(map);
    map.setView([place.lat, place.long], zoom);
    return;
  }

  // --- picking (staff editor) ------------------------------------------------------------------------
  var lat = document.getElementById(data.lat);
  var lng = document.getElementById(data.long);
  var status = document.getElementById("meeting-map-status");
  var marker = null;
  function show(latlng, say) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { keyboard: false }).addTo(map); }
    if (say && status) { status.textContent = (data.msgPlaced || "") + " " + latlng.lat.toFixed(5) + ", " + latlng.lng.toFixed(5); }
  }
  function place(latlng) {
    lat.value = latlng.lat.toFixed(6);
    lng.value = latlng.lng.toFixed(6);
    show(latlng, true);
  }
  var start = [parseFloat(lat.value), parseFloat(lng.value)];
  if (isFinite(start[0]) && isFinite(start[1])) {
    map.setView(start, zoom);
    show(L.latLng(start[0], start[1]), false);
  } else {
    map.setView([parseFloat(data.centerLat), parseFloat(data.centerLong)], parseInt(data.centerZoom || "13", 10));
  }
  map.on("click", function (event) { place(event.latlng); });
  var button = document.getElementById("meeting-map-center");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () { place(map.getCenter()); });
  }
})();
