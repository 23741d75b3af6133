// Back-office charts (Chart.js, vendored): data-set profile histograms / top categories, and the result
// plots of an analysis (residuals vs fitted, normal probability, Cook's distance, leverage, ROC, group
// means with CIs, histograms and box plots). Data come from json_script blocks on the page.
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var INK = "#1f4e79", WARN = "#b42318", SOFT = "rgba(31,78,121,0.55)";
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function num(v) { return (typeof v === "number" && isFinite(v)) ? v : null; }
  function fmt(v) { return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : +v.toPrecision(4); }

  function histogram(canvas, hist, label) {
    if (!hist || !hist.edges || !hist.counts) { return; }
    var labels = hist.counts.map(function (_c, i) { return fmt(hist.edges[i]) + "–" + fmt(hist.edges[i + 1]); });
    new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: [{ label: label || "Rows", data: hist.counts, backgroundColor: SOFT, barPercentage: 1, categoryPercentage: 1 }] },
      options: { plugins: { legend: { display: false } }, scales: { x: { ticks: { maxTicksLimit: 6 } }, y: { beginAtZero: true } } }
    });
  }
  function topCategories(canvas, top) {
    if (!top || !top.length) { return; }
    var labels = top.map(function (t) { return Array.isArray(t) ? t[0] : (t.value !== undefined ? t.value : t.level); });
    var counts = top.map(function (t) { return Array.isArray(t) ? t[1] : t.count; });
    new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: [{ data: counts, backgroundColor: SOFT }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } }
    });
  }
  function scatter(canvas, points, xLabel, yLabel, extra) {
    var datasets = [{ data: points, backgroundColor: SOFT, pointRadius: 2.5, label: yLabel }];
    if (extra) { datasets = datasets.concat(extra); }
    new Chart(canvas, {
      type: "scatter",
      data: { datasets: datasets },
      options: { plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: xLabel } }, y: { title: { display: true, text: yLabel } } } }
    });
  }
  function line(points, color) {
    return { type: "line", data: points, borderColor: color || WARN, borderWidth: 1.5, pointRadius: 0, fill: false };
  }

  // --- Data-set profile -----------------------------------------------------------------------------
  var profile = read("profile-data");
  if (profile) {
    document.querySelectorAll("canvas[data-profile-chart]").forEach(function (canvas) {
      var column = profile[+canvas.getAttribute("data-profile-chart")];
      if (!column) { return; }
      var stats = column.stats || {};
      if (column.kind === "numeric") { histogram(canvas, stats.histogram, column.name); }
      else { topCategories(canvas, stats.top || stats.top_categories); }
    });
  }

  // --- Analysis results -----------------------------------------------------------------------------
  var result = read("analysis-result");
  if (!result) { return; }
  var diag = result.diagnostics || {};
  var rows = Array.isArray(diag) ? diag : (diag.points || []);
  function pick(key) { return rows.map(function (r) { return r[key]; }); }
  var charts = {
    "residuals-fitted": function (canvas) {
      var pts = rows.map(function (r) { return { x: r.fitted, y: r.residual }; });
      var xs = pts.map(function (p) { return p.x; }).filter(num);
      var zero = xs.length ? [line([{ x: Math.min.apply(null, xs), y: 0 }, { x: Math.max.apply(null, xs), y: 0 }])] : null;
      scatter(canvas, pts, "Fitted value", "Residual", zero);
    },
    "normal-probability": function (canvas) {
      var np = result.normal_probability || diag.normal_probability || [];
      var pts = np.map(function (p) { return Array.isArray(p) ? { x: p[0], y: p[1] } : { x: p.theoretical, y: p.std_residual !== undefined ? p.std_residual : p.sample }; });
      var xs = pts.map(function (p) { return p.x; }).filter(num);
      var ref = xs.length ? [line([{ x: Math.min.apply(null, xs), y: Math.min.apply(null, xs) }, { x: Math.max.apply(null, xs), y: Math.max.apply(null, xs) }])] : null;
      scatter(canvas, pts, "Normal quantile", "Standardised residual", ref);
    },
    "cooks": function (canvas) {
      new Chart(canvas, {
        type: "bar",
        data: { labels: pick("row"), datasets: [{ data: pick("cooks"), backgroundColor: SOFT }] },
        options: { plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: "Row" }, ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true, title: { display: true, text: "Cook's distance" } } } }
      });
    },
    "leverage": function (canvas) {
      var key = rows.length && rows[0].std_residual !== undefined ? "std_residual" : "standardized_residual";
      scatter(canvas, rows.map(function (r) { return { x: r.leverage, y: r[key] }; }), "Leverage", "Standardised residual");
    },
    "roc": function (canvas) {
      var roc = result.roc || {};
      var pts = Array.isArray(roc) ? roc.map(function (p) { return Array.isArray(p) ? { x: p[0], y: p[1] } : { x: p.fpr, y: p.tpr }; })
        : (roc.fpr || []).map(function (x, i) { return { x: x, y: roc.tpr[i] }; });
      new Chart(canvas, {
        type: "scatter",
        data: { datasets: [{ data: pts, showLine: true, borderColor: INK, pointRadius: 0, label: "ROC" }, line([{ x: 0, y: 0 }, { x: 1, y: 1 }], "#999")] },
        options: { plugins: { legend: { display: false } }, scales: { x: { min: 0, max: 1, title: { display: true, text: "False positive rate" } }, y: { min: 0, max: 1, title: { display: true, text: "True positive rate" } } } }
      });
    },
    "group-means": function (canvas) {
      var groups = result.groups || [];
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: groups.map(function (g) { return g.level; }),
          datasets: [
            { type: "bar", label: "95 % CI", data: groups.map(function (g) { return [g.ci_low, g.ci_high]; }), backgroundColor: "rgba(31,78,121,0.18)", barPercentage: 0.35 },
            { type: "line", label: "Mean", data: groups.map(function (g) { return g.mean; }), borderColor: INK, backgroundColor: INK, showLine: false, pointRadius: 5 }
          ]
        },
        options: { plugins: { legend: { display: true } } }
      });
    },
    "histogram": function (canvas) {
      var name = canvas.getAttribute("data-column");
      var col = (result.columns || {})[name] || {};
      histogram(canvas, col.histogram, name);
    },
    "box": function (canvas) {
      var name = canvas.getAttribute("data-column");
      var col = (result.columns || {})[name] || {};
      var b = col.box || {};
      var lo = num(b.whisker_low) !== null ? b.whisker_low : col.min, hi = num(b.whisker_high) !== null ? b.whisker_high : col.max;
      var q1 = num(b.q1) !== null ? b.q1 : col.q1, med = num(b.median) !== null ? b.median : col.median, q3 = num(b.q3) !== null ? b.q3 : col.q3;
      var outliers = (b.outliers || []).map(function (v) { return { x: v, y: name }; });
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: [name],
          datasets: [
            { label: "Whiskers", data: [[lo, hi]], backgroundColor: "rgba(0,0,0,0.25)", barPercentage: 0.05 },
            { label: "Q1–Q3", data: [[q1, q3]], backgroundColor: "rgba(31,78,121,0.35)", barPercentage: 0.6, grouped: false },
            { label: "Median", data: [[med - (hi - lo) / 400, med + (hi - lo) / 400]], backgroundColor: INK, barPercentage: 0.6, grouped: false },
            { type: "scatter", label: "Outliers", data: outliers, backgroundColor: WARN, pointRadius: 3 }
          ]
        },
        options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { y: { display: false } } }
      });
    }
  };
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var draw = charts[canvas.getAttribute("data-chart")];
    if (draw) { try { draw(canvas); } catch (e) { canvas.replaceWith(document.createTextNode("This chart could not be drawn.")); } }
  });
})();
