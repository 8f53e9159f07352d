/* Charts of the performance dashboard and the open data page (ECharts, no inline script: the data sits in
   <script type="application/json"> blocks). A click on a bar or a tile opens the cases behind it. */
(function () {
  "use strict";
  var charts = window.gongzhiCharts;

  function barsAndLines(spec, names) {
    var series = [{ name: names.received, type: "bar", data: spec.bars, yAxisIndex: 0, itemStyle: { color: "#93c5fd" } }];
    Object.keys(spec.lines || {}).forEach(function (key) {
      series.push({ name: names[key] || key, type: "line", data: spec.lines[key], yAxisIndex: 1, connectNulls: false });
    });
    var rotate = spec.labels.length > 6 ? 40 : 0;
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 48, top: 40, bottom: rotate ? 90 : 40 },
      xAxis: { type: "category", data: spec.labels, axisLabel: { rotate: rotate, interval: 0 } },
      yAxis: [
        { type: "value", minInterval: 1 },
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }
      ],
      series: series
    };
  }

  function treemap(spec) {
    return {
      tooltip: { formatter: function (info) { return info.name + ": " + info.value; } },
      series: [{
        type: "treemap",
        data: spec.tree,
        leafDepth: 2,
        roam: false,
        breadcrumb: { show: true },
        label: { show: true, formatter: "{b}\n{c}" },
        upperLabel: { show: true, height: 22 },
        levels: [
          { itemStyle: { borderColor: "#fff", borderWidth: 2, gapWidth: 2 } },
          { itemStyle: { borderColor: "#e5e7eb", borderWidth: 1, gapWidth: 1 } }
        ]
      }]
    };
  }

  function draw() {
    var data = charts.readJson("chart-data");
    var names = charts.readJson("chart-names") || {};
    if (!data || typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = data[el.getAttribute("data-chart")];
      var hasData = spec && ((spec.tree && spec.tree.length) || (spec.bars && spec.bars.some(function (v) { return v > 0; })));
      if (!hasData) { charts.note(el, names.empty || "—"); return; }
      var chart = charts.mount(el, spec.tree ? treemap(spec) : barsAndLines(spec, names));
      chart.on("click", function (params) {
        var link = spec.tree ? (params.data && params.data.link) : (spec.links || [])[params.dataIndex];
        if (link && !spec.tree) { window.location.href = link; }
      });
    });
  }

  charts.whenReady(draw);
})();
