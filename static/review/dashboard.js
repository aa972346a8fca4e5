// The research office's dashboard: draws the charts from the figures the page carries in
// <script type="application/json" id="dashboard-data"> (the same figures are in the tables
// under each chart). No inline script: this file is all the page runs besides Chart.js.
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;

  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Chart.defaults.animation = reduceMotion ? false : Chart.defaults.animation;
  Chart.defaults.maintainAspectRatio = true;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

  var integerAxis = { beginAtZero: true, ticks: { precision: 0 } };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    // Narrow screens: taller charts, so that the rotated labels leave room for the bars.
    config.options.aspectRatio = canvas.parentElement.clientWidth < 500 ? 1 : 2;
    new Chart(canvas, config);
  }

  draw("chart-status", {
    type: "bar",
    data: {
      labels: data.status.labels,
      datasets: [{ label: data.status.label, data: data.status.values, backgroundColor: data.status.colors, maxBarThickness: 80 }]
    },
    options: { plugins: { legend: { display: false } }, scales: { y: integerAxis } }
  });

  draw("chart-deadlines", {
    type: "bar",
    data: {
      labels: data.deadlines.labels,
      datasets: data.deadlines.datasets.map(function (set) {
        return { label: set.label, data: set.data, backgroundColor: set.color };
      })
    },
    options: {
      plugins: { legend: { position: "bottom" } },
      scales: {
        x: { stacked: true, title: { display: true, text: data.deadlines.axis } },
        y: Object.assign({ stacked: true }, integerAxis)
      }
    }
  });

  draw("chart-flags", {
    type: "bar",
    data: {
      labels: data.flags.labels,
      datasets: [{ label: data.flags.label, data: data.flags.values, backgroundColor: "#dc3545", maxBarThickness: 40 }]
    },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: integerAxis } }
  });

  draw("chart-trend", {
    type: "line",
    data: {
      labels: data.trend.labels,
      datasets: data.trend.datasets.map(function (set) {
        return { label: set.label, data: set.data, borderColor: set.color, backgroundColor: set.color, tension: 0 };
      })
    },
    options: { plugins: { legend: { position: "bottom" } }, scales: { y: integerAxis } }
  });
})();
