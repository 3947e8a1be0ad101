/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    // A search box over a long select (the agency picker): hides the options that do not match, ignoring
    // Vietnamese accents. Without JavaScript the select is usable as it is (grouped, own commune first).
    function fold(text) {
      return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
    }
    document.querySelectorAll("[data-filter-select]").forEach(function (input) {
      var select = document.getElementById(input.dataset.filterSelect);
      if (!select) { return; }
      input.hidden = false;
      input.addEventListener("input", function () {
        var wanted = fold(input.value.trim());
        var first = null;
        select.querySelectorAll("option").forEach(function (option) {
          if (!option.value) { return; }
          var show = !wanted || fold(option.textContent).indexOf(wanted) !== -1;
          option.hidden = !show;
          if (show && !first) { first = option; }
        });
        if (wanted && first && (select.selectedOptions.length === 0 || select.selectedOptions[0].hidden)) { first.selected = true; }
      });
    });
  });
})();
