// Scorecard charts: one small line chart per metric (figure, goal line, yellow edge, zone bands).
// Data comes from the page's <script type="application/json" id="scorecard-charts"> (json_script).
(function () {
  "use strict";
  var ZONE = {
    green: { color: "#0f8a5f", point: "circle", label: "Green" },
    yellow: { color: "#b7791f", point: "triangle", label: "Yellow" },
    red: { color: "#b42318", point: "crossRot", label: "Red" },
    disputed: { color: "#5b3aa5", point: "rectRot", label: "Disputed" }
  };
  var BAND = { green: "rgba(15,138,95,0.10)", yellow: "rgba(217,163,0,0.16)", red: "rgba(180,35,24,0.10)" };

  // Background bands per quarter, so a goal changed by a new scorecard version is drawn where it applied.
  var zoneBands = {
    id: "zoneBands",
    beforeDatasetsDraw: function (chart, args, options) {
      var area = chart.chartArea, x = chart.scales.x, y = chart.scales.y, ctx = chart.ctx;
      var n = options.goal.length;
      if (!n) { return; }
      var half = area.width / n / 2;
      ctx.save();
      for (var i = 0; i < n; i++) {
        var goal = options.goal[i];
        if (goal === null || goal === undefined) { continue; }
        var edge = options.yellow[i];
        var higher = options.direction === "higher";
        if (edge === null || edge === undefined) { edge = goal; }
        var left = Math.max(area.left, x.getPixelForValue(i) - half);
        var right = Math.min(area.right, x.getPixelForValue(i) + half);
        var pg = y.getPixelForValue(goal), pe = y.getPixelForValue(edge);
        var segments = higher
          ? [["green", area.top, pg], ["yellow", pg, pe], ["red", pe, area.bottom]]
          : [["red", area.top, pe], ["yellow", pe, pg], ["green", pg, area.bottom]];
        segments.forEach(function (s) {
          var top = Math.max(area.top, Math.min(s[1], s[2]));
          var bottom = Math.min(area.bottom, Math.max(s[1], s[2]));
          if (bottom > top) { ctx.fillStyle = BAND[s[0]]; ctx.fillRect(left, top, right - left, bottom - top); }
        });
      }
      ctx.restore();
    }
  };

  function draw(series, canvas) {
    var zones = series.zones.map(function (z) { return ZONE[z] || null; });
    var unit = series.unit ? " " + series.unit : "";
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: series.quarters,
        datasets: [
          {
            label: series.name,
            data: series.values,
            borderColor: "#1b2430",
            borderWidth: 2,
            spanGaps: true,
            pointRadius: 5,
            pointHoverRadius: 7,
            pointStyle: zones.map(function (z) { return z ? z.point : "circle"; }),
            pointBackgroundColor: zones.map(function (z) { return z ? z.color : "#8a94a3"; }),
            pointBorderColor: zones.map(function (z) { return z ? z.color : "#8a94a3"; })
          },
          { label: "Goal", data: series.goal, borderColor: "#0b5c8a", borderDash: [6, 4], borderWidth: 1.5,
            pointRadius: 0, stepped: "middle", spanGaps: false },
          { label: "Yellow edge", data: series.yellow, borderColor: "#b7791f", borderDash: [2, 3], borderWidth: 1,
            pointRadius: 0, stepped: "middle", spanGaps: false }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { offset: true, ticks: { autoSkip: true, maxRotation: 0, font: { size: 10 } }, grid: { display: false } },
          y: { grace: "10%", ticks: { font: { size: 10 } } }
        },
        plugins: {
          legend: { display: false },
          zoneBands: { goal: series.goal, yellow: series.yellow, direction: series.direction },
          tooltip: {
            callbacks: {
              label: function (item) {
                if (item.raw === null || item.raw === undefined) { return item.dataset.label + ": no data"; }
                var text = item.dataset.label + ": " + item.formattedValue + unit;
                if (item.datasetIndex === 0 && zones[item.dataIndex]) { text += " (" + zones[item.dataIndex].label + ")"; }
                return text;
              }
            }
          }
        }
      },
      plugins: [zoneBands]
    });
  }

  function init() {
    var source = document.getElementById("scorecard-charts");
    if (!source || !window.Chart) { return; }
    var all = JSON.parse(source.textContent);
    var byKey = {};
    all.forEach(function (series) { byKey[series.key] = series; });
    document.querySelectorAll("canvas[data-chart-key]").forEach(function (canvas) {
      var series = byKey[canvas.getAttribute("data-chart-key")];
      if (series) { draw(series, canvas); canvas.setAttribute("data-rendered", "true"); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
