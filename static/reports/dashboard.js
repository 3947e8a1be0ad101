/* Draws the dashboard's charts from the JSON the page carries (no inline script: CSP allows 'self' only).
   The same figures are in the tables next to each chart, so nothing is lost without JavaScript. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = ["#0d6efd", "#198754", "#6f42c1"];

  var trend = document.getElementById("chart-trend");
  if (trend) {
    new Chart(trend, {
      type: "line",
      data: {
        labels: data.months,
        datasets: [
          { label: data.labels.received, data: data.received, borderColor: colours[0], tension: 0.2 },
          { label: data.labels.answered, data: data.answered, borderColor: colours[1], tension: 0.2 },
          { label: data.labels.resolved, data: data.resolved, borderColor: colours[2], tension: 0.2 }
        ]
      },
      options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  var category = document.getElementById("chart-category");
  if (category) {
    new Chart(category, {
      type: "bar",
      data: {
        labels: data.categories,
        datasets: [{ label: data.labels.received, data: data.category_received, backgroundColor: colours[0] }]
      },
      options: { animation: false, indexAxis: "y", plugins: { legend: { display: false } },
                 scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
})();
