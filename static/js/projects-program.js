/* Charts of the program health page (projects:program), drawn with the vendored Chart.js
   (static/vendor/chartjs/). Every chart repeats figures that are in the table below it, so without
   JavaScript (or Chart.js) nothing is lost: the chart box stays hidden until a chart is drawn. */
(function () {
  "use strict";

  function data(id) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  var BASE = { responsive: true, maintainAspectRatio: false, animation: false };

  function cycleChart(canvas) {
    var d = data("pg-cycle-data");
    if (!d) { return false; }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [{ label: "Median days", data: d.median, backgroundColor: "#0b5c8a" }]
      },
      options: Object.assign({}, BASE, {
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, title: { display: true, text: "days (median)" } } }
      })
    });
    return true;
  }

  function throughputChart(canvas) {
    var d = data("pg-throughput-data");
    if (!d) { return false; }
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: d.labels, datasets: [{ label: "Closed", data: d.closed, backgroundColor: "#137a4b" }] },
      options: Object.assign({}, BASE, {
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      })
    });
    return true;
  }

  function init() {
    if (!window.Chart) { return; }  // the tables already carry every figure
    document.querySelectorAll("canvas[data-pg-chart]").forEach(function (canvas) {
      var box = canvas.parentNode;
      box.classList.add("is-drawn");  // visible first, so Chart.js can measure the box
      var drawn = false;
      try {
        if (canvas.dataset.pgChart === "cycle") { drawn = cycleChart(canvas); }
        if (canvas.dataset.pgChart === "throughput") { drawn = throughputChart(canvas); }
      } catch (e) { drawn = false; }
      if (drawn) { canvas.dataset.pgDrawn = "1"; } else { box.classList.remove("is-drawn"); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
