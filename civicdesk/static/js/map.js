/* Progressive enhancement for maps: the pages work without this script (address entry). */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined" || !window.civicdeskMap) { return; }
  el.hidden = false;
  // The help text first speaks to a page without a map (no JavaScript); now there is one, say how to use it.
  var help = document.getElementById("map-help");
  if (help && help.dataset.withMap) { help.textContent = help.dataset.withMap; }
  var data = el.dataset;
  var pinLat = parseFloat(data.pinLat), pinLong = parseFloat(data.pinLong);
  var hasPin = !isNaN(pinLat) && !isNaN(pinLong);
  var center = hasPin ? [pinLat, pinLong] : [parseFloat(data.lat), parseFloat(data.long)];
  // Hashed static file names defeat Leaflet's guess of where its marker images are: say it.
  if (data.icon) {
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({ iconUrl: data.icon, iconRetinaUrl: data.iconRetina, shadowUrl: data.iconShadow });
  }
  var map = window.civicdeskMap(el, center, hasPin ? 17 : parseInt(data.zoom || "13", 10));
  var areasScript = document.getElementById("map-areas");
  if (areasScript) {
    var areas = JSON.parse(areasScript.textContent);
    var bounds = null;
    areas.forEach(function (area) {
      var layer = L.geoJSON(area.geojson, {
        interactive: false,
        style: area.kind === "jurisdiction"
          ? { color: "#005ea2", weight: 3, fillOpacity: 0.04 }
          : { color: "#565c65", weight: 1, dashArray: "4 4", fillOpacity: 0 }
      }).addTo(map);
      if (area.kind === "jurisdiction") {
        bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds();
      }
    });
    // A city pack that names its own centre and zoom (zoom 10 or closer) wins over the outlines,
    // so a county around the city does not shrink the city to a dot.
    if (bounds && !hasPin && parseInt(data.zoom || "0", 10) < 10) { map.fitBounds(bounds); }
  }
  var marker = null;
  var status = document.getElementById("pin-status");
  function input(name) { return name ? document.getElementById(name) : null; }
  // Say where the pin is in words: the nearest known address when there is one.
  function setPin(latlng, message) {
    if (marker) { marker.setLatLng(latlng); } else {
      // The pin is shown, not operated: keep it out of the tab order, with a name for screen readers.
      marker = L.marker(latlng, { title: data.labelPin || "", alt: data.labelPin || "", keyboard: false,
                                  interactive: false }).addTo(map);
    }
    if (data.readonly) { return; }
    input(data.inputLat).value = latlng.lat.toFixed(6);
    input(data.inputLong).value = latlng.lng.toFixed(6);
    var address = input(data.inputAddress), addressId = input(data.inputAddressId);
    if (address && message !== "initial") { address.value = ""; }
    if (addressId && message !== "initial") { addressId.value = ""; }
    if (status && message !== "initial") { describe(latlng); }
    // Other scripts on the page (notices at this spot) listen for the pin.
    el.dispatchEvent(new CustomEvent("cd:pinned", { detail: { lat: latlng.lat, lng: latlng.lng } }));
  }
  // Say where the pin is in words: the nearest address from the city's list, never bare coordinates.
  var asked = 0;
  function describe(latlng) {
    var ticket = ++asked;
    status.textContent = data.msgPinned || "";
    if (!data.nearestUrl || !window.fetch) { return; }
    fetch(data.nearestUrl + "?lat=" + latlng.lat.toFixed(6) + "&long=" + latlng.lng.toFixed(6),
          { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (found) {
        if (ticket === asked && found && found.address && data.msgPinnedNear) {
          status.textContent = data.msgPinnedNear.replace("{address}", found.address);
        }
      })
      .catch(function () { /* the plain message stays */ });
  }
  if (hasPin) { setPin(L.latLng(pinLat, pinLong), "initial"); }
  if (data.readonly) {
    if (!hasPin) { setPin(L.latLng(center[0], center[1])); }
    return;
  }
  map.on("click", function (event) { setPin(event.latlng); });
  // Keyboard users: Enter on the focused map drops the pin at the cross in the middle (said on the page).
  var instructions = document.getElementById("map-instructions");
  if (instructions) { instructions.hidden = false; }
  var cross = document.createElement("div");
  cross.className = "cd-crosshair";
  cross.setAttribute("aria-hidden", "true");
  el.appendChild(cross);
  el.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target === el) { event.preventDefault(); setPin(map.getCenter()); }
  });
  // Open public reports near the view, as markers (the list under the map says the same in words).
  if (data.reportsUrl && window.fetch) {
    var reportLayer = L.layerGroup().addTo(map);
    var list = document.getElementById("reports-near-list");
    var pending = null;
    var showReports = function () {
      var c = map.getCenter();
      fetch(data.reportsUrl + "?lat=" + c.lat.toFixed(6) + "&long=" + c.lng.toFixed(6))
        .then(function (response) { return response.ok ? response.json() : { reports: null }; })
        .then(function (body) {
          if (!body.reports) { return; }
          reportLayer.clearLayers();
          body.reports.forEach(function (report) {
            var link = document.createElement("a");
            link.href = report.url;
            link.textContent = report.category + " · " + report.status;
            L.circleMarker([report.lat, report.long], { radius: 7, color: "#8b0a03", weight: 2, fillOpacity: 0.6 })
              .bindPopup(link).addTo(reportLayer);
          });
          if (list) {
            list.textContent = "";
            if (!body.reports.length) {
              var none = document.createElement("li");
              none.textContent = list.dataset.empty || "";
              list.appendChild(none);
            }
            body.reports.forEach(function (report) {
              var item = document.createElement("li"), link = document.createElement("a");
              link.className = "usa-link";
              link.href = report.url;
              link.textContent = report.category;
              item.appendChild(link);
              item.appendChild(document.createTextNode(" · " + report.status + " · " + report.distance_m + " m"));
              list.appendChild(item);
            });
          }
        }).catch(function () { /* the list from the server stays */ });
    };
    map.on("moveend", function () { clearTimeout(pending); pending = setTimeout(showReports, 300); });
    showReports();
  }
  var locate = document.getElementById("use-my-location");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
        map.setView(latlng, 17);
        setPin(latlng);
      }, function () {
        if (status) { status.textContent = data.msgNoLocation || ""; }
      });
    });
  }
})();
