/* The register's map: the permits (or their counts per cell, when many) from the page's GeoJSON endpoint,
   with the page's filters; the map fits itself around them. The list beside it needs no JavaScript. */
(function () {
  "use strict";
  var el = document.getElementById("register-map");
  if (!el || !window.L || !window.civicdeskMap) { return; }
  el.hidden = false;
  var status = document.getElementById("register-map-status");
  var map = window.civicdeskMap(el, [0, 0], 2);
  fetch(el.dataset.url + (el.dataset.query ? "?" + el.dataset.query : ""), { headers: { Accept: "application/json" } })
    .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
    .then(function (data) {
      var total = 0;
      var layer = L.featureGroup();
      data.features.forEach(function (feature) {
        var c = feature.geometry.coordinates;
        var count = feature.properties.count;
        total += count;
        var marker = L.circleMarker([c[1], c[0]], { radius: data.aggregated ? 8 + Math.min(12, Math.log(count) * 3) : 6 });
        marker.bindTooltip(data.aggregated ? el.dataset.msgCell.replace("%(count)s", count) : feature.properties.number);
        layer.addLayer(marker);
      });
      layer.addTo(map);
      if (data.features.length) { map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [20, 20] }); }
      status.textContent = el.dataset.msgStatus.replace("%(total)s", total);
    })
    .catch(function () { status.textContent = el.dataset.msgError; });
})();
