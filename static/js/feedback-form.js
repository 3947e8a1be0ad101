/* Progressive enhancement of the feedback form: the commune filter and the location button.
   The form works without this file. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    var button = document.getElementById("geolocate");
    var status = document.getElementById("geolocate-status");
    if (!button || !("geolocation" in navigator)) { if (button) { button.parentElement.hidden = true; } return; }
    button.addEventListener("click", function () {
      status.textContent = button.dataset.waiting || "…";
      navigator.geolocation.getCurrentPosition(function (position) {
        document.getElementById("id_latitude").value = position.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = position.coords.longitude.toFixed(6);
        status.textContent = button.dataset.done || "✓";
        document.dispatchEvent(new CustomEvent("location-set"));
      }, function () {
        status.textContent = button.dataset.failed || "✗";
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  });
})();
