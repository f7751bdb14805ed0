/* One way to start a Leaflet map on this site, shared by every map script: zoom buttons and Leaflet's own
   link in the page's language (the #map-strings JSON of base.html), the city's tile layer from the element's
   data-tiles/data-attribution, and the map reachable as el.leafletMap (city add-ons, browser tests). */
(function () {
  "use strict";
  // `center` ([lat, long]) and `zoom` may be left out when the caller fits the map to something instead.
  window.civicdeskMap = function (el, center, zoom) {
    var wordsEl = document.getElementById("map-strings");
    var words = wordsEl ? JSON.parse(wordsEl.textContent) : {};
    // Right-to-left pages (Arabic): the canvas stays left to right (rtl.css), the controls sit on the right.
    var rtl = document.documentElement.dir === "rtl";
    var map = L.map(el, { keyboard: true, zoomControl: false });
    if (center) { map.setView(center, zoom); }
    L.control.zoom({ position: rtl ? "topright" : "topleft", zoomInTitle: words.zoomIn || "Zoom in",
                     zoomOutTitle: words.zoomOut || "Zoom out" }).addTo(map);
    if (rtl) { map.attributionControl.setPosition("bottomleft"); }
    var leaflet = document.createElement("a");
    leaflet.href = "https://leafletjs.com";
    leaflet.textContent = "Leaflet";
    if (words.leafletTitle) { leaflet.title = words.leafletTitle; }
    map.attributionControl.setPrefix(leaflet.outerHTML);
    el.leafletMap = map;
    if (el.dataset.tiles && el.dataset.tiles !== "none") {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    return map;
  };
})();
