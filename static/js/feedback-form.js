/* Progressive enhancement of the feedback form: the commune filter and the location button.
   The form works without this file. */
(function () {
  "use strict";
  var MAX_SIDE = 1600;

  // Photos are shrunk in the browser before upload (a phone photo of 4-8 MB becomes a few hundred kB on a
  // slow connection); the server checks and re-encodes them anyway. Other files are sent as they are.
  function shrink(file) {
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png|webp)$/.test(file.type) || typeof createImageBitmap !== "function") { resolve(file); return; }
      createImageBitmap(file).then(function (bitmap) {
        var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
        if (scale === 1 && file.size < 1500000) { resolve(file); return; }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          resolve(new File([blob], file.name.replace(/\.(png|webp)$/i, ".jpg"), { type: "image/jpeg" }));
        }, "image/jpeg", 0.85);
      }).catch(function () { resolve(file); });
    });
  }

  function previews(input) {
    var box = document.getElementById("attachment-previews");
    if (!box) { return; }
    box.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var figure = document.createElement("figure");
      figure.className = "attachment-preview m-0 text-center small";
      if (/^image\//.test(file.type)) {
        var img = document.createElement("img");
        img.src = URL.createObjectURL(file);
        img.alt = file.name;
        img.width = 96;
        figure.appendChild(img);
      }
      var caption = document.createElement("figcaption");
      caption.textContent = file.name + " (" + Math.round(file.size / 1024) + " kB)";
      figure.appendChild(caption);
      box.appendChild(figure);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    var files = document.getElementById("id_attachments");
    if (files && typeof DataTransfer === "function") {
      files.addEventListener("change", function () {
        Promise.all(Array.prototype.map.call(files.files, shrink)).then(function (shrunk) {
          var transfer = new DataTransfer();
          shrunk.forEach(function (f) { transfer.items.add(f); });
          files.files = transfer.files;
          previews(files);
        });
      });
    }
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
