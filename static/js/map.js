/* Maps (Leaflet, vendored). Progressive enhancement: without JavaScript the place text and the commune are
   enough, and the coordinates are shown as text to staff.
   - [data-map-pick]: the form's map; a tap sets the hidden latitude/longitude, "remove" clears them;
   - [data-map-point]: one pin from data-lat / data-lng (staff and public item pages);
   - [data-map-points]: several pins from a JSON script whose id is the attribute's value. */
(function () {
  "use strict";
  function config() {
    var el = document.getElementById("map-config");
    return el ? JSON.parse(el.textContent) : null;
  }
  function baseMap(el, cfg, options) {
    var map = L.map(el, Object.assign({ scrollWheelZoom: false }, options || {}));
    L.tileLayer(cfg.tileUrl, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
    return map;
  }
  function inside(cfg, lat, lng) {
    if (!cfg.bounds) { return true; }
    return lat >= cfg.bounds[0][0] && lat <= cfg.bounds[1][0] && lng >= cfg.bounds[0][1] && lng <= cfg.bounds[1][1];
  }
  function pick(el, cfg) {
    var latInput = document.getElementById(el.dataset.latInput);
    var lngInput = document.getElementById(el.dataset.lngInput);
    var status = document.getElementById(el.dataset.status);
    var clear = document.getElementById(el.dataset.clear);
    var map = baseMap(el, cfg);
    var marker = null;
    function show(lat, lng, pan) {
      if (!marker) { marker = L.marker([lat, lng], { keyboard: false }).addTo(map); } else { marker.setLatLng([lat, lng]); }
      if (pan) { map.setView([lat, lng], Math.max(map.getZoom(), 15)); }
      if (clear) { clear.hidden = false; }
    }
    function set(lat, lng) {
      if (!inside(cfg, lat, lng)) {
        if (status) { status.textContent = el.dataset.outside || ""; }
        return;
      }
      latInput.value = lat.toFixed(6);
      lngInput.value = lng.toFixed(6);
      if (status) { status.textContent = el.dataset.set || ""; }
      show(lat, lng, false);
    }
    if (latInput.value && lngInput.value) {
      show(parseFloat(latInput.value), parseFloat(lngInput.value), false);
      map.setView([parseFloat(latInput.value), parseFloat(lngInput.value)], 15);
    } else if (cfg.bounds) {
      map.fitBounds(cfg.bounds);
    } else {
      map.setView(cfg.centre, 8);
    }
    map.on("click", function (event) { set(event.latlng.lat, event.latlng.lng); });
    document.addEventListener("location-set", function () {
      if (latInput.value && lngInput.value) { show(parseFloat(latInput.value), parseFloat(lngInput.value), true); }
    });
    if (clear) {
      clear.addEventListener("click", function () {
        latInput.value = ""; lngInput.value = "";
        if (marker) { map.removeLayer(marker); marker = null; }
        clear.hidden = true;
        if (status) { status.textContent = el.dataset.cleared || ""; }
      });
    }
  }
  function point(el, cfg) {
    var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
    var map = baseMap(el, cfg);
    map.setView([lat, lng], 15);
    L.marker([lat, lng], { keyboard: false }).addTo(map);
  }
  function points(el, cfg) {
    var data = JSON.parse(document.getElementById(el.dataset.mapPoints).textContent);
    var map = baseMap(el, cfg);
    var group = [];
    data.forEach(function (p) {
      group.push(L.marker([p.lat, p.lng], { keyboard: false, title: p.title }).bindPopup(document.createTextNode(p.title)));
    });
    var layer = L.featureGroup(group).addTo(map);
    if (group.length) { map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 15 }); } else if (cfg.bounds) { map.fitBounds(cfg.bounds); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var cfg = config();
    if (!cfg || typeof L === "undefined") { return; }
    L.Icon.Default.imagePath = (document.querySelector('link[href*="vendor/leaflet/leaflet.css"]').getAttribute("href") || "").replace(/leaflet\.css.*$/, "images/");
    document.querySelectorAll("[data-map-pick]").forEach(function (el) { el.hidden = false; pick(el, cfg); });
    document.querySelectorAll("[data-map-point]").forEach(function (el) { el.hidden = false; point(el, cfg); });
    document.querySelectorAll("[data-map-points]").forEach(function (el) { el.hidden = false; points(el, cfg); });
  });
})();
