/* Charts of the sponsor dashboard and the relationship drill-down, drawn in the browser with the
   vendored Chart.js (static/vendor/chartjs/). Every chart repeats figures that are also on the page
   as text, so without JavaScript (or Chart.js) nothing is lost. */
(function () {
  "use strict";

  function data(id) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  var COLORS = { 1: "#b42318", 2: "#f47b6e", 3: "#e6b800", 4: "#5cb98a", 5: "#137a4b" };

  function levelChart(canvas) {
    var d = data("sp-level-data");
    if (!d) { return false; }
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: d.labels, datasets: [{ label: "Relationships", data: d.counts, backgroundColor: "#0b5c8a" }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
    return true;
  }

  function ratingChart(canvas) {
    var d = data("sp-rating-data");
    if (!d) { return false; }
    var styles = [{ border: "#0b5c8a", dash: [] }, { border: "#7a4b00", dash: [6, 4] }];
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: d.quarters,
        datasets: d.series.map(function (s, i) {
          return {
            label: s.label, data: s.values, spanGaps: true, borderColor: styles[i].border,
            borderDash: styles[i].dash, pointRadius: 5,
            pointStyle: i === 0 ? "circle" : "rectRot",
            pointBackgroundColor: s.values.map(function (v) { return COLORS[v] || "#ccc"; })
          };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { min: 1, max: 5, ticks: { stepSize: 1, callback: function (v) { return d.colors[v] || v; } } } },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + (d.colors[c.parsed.y] || "–"); } } } }
      }
    });
    return true;
  }

  function init() {
    if (!window.Chart) { return; }  // the text and tables already carry every figure
    document.querySelectorAll("canvas[data-sp-chart]").forEach(function (canvas) {
      var drawn = false;
      if (canvas.dataset.spChart === "levels") { drawn = levelChart(canvas); }
      if (canvas.dataset.spChart === "ratings") { drawn = ratingChart(canvas); }
      if (drawn) { canvas.dataset.spDrawn = "1"; }  // only when a chart was really drawn
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
