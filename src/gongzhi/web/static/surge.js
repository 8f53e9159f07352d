/* Charts of the surge alerts and forecasts pages (ECharts, no inline script: the data sits in
   <script type="application/json"> blocks). Series: counts vs upper bound with alarms marked;
   forecasts: weekly counts, forecast mean and 80 % / 95 % bands (stacked areas over an invisible floor). */
(function () {
  "use strict";
  var charts = window.gongzhiCharts;

  function seriesOption(spec, names) {
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 60 },
      dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
      xAxis: { type: "category", data: spec.days },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: names.counts, type: "bar", data: spec.counts, itemStyle: { color: "#93c5fd" } },
        { name: names.upper, type: "line", step: "middle", data: spec.upper, showSymbol: false,
          lineStyle: { color: "#ea580c", type: "dashed" }, itemStyle: { color: "#ea580c" } },
        { name: names.alarms, type: "scatter", data: spec.alarms, symbol: "triangle", symbolSize: 14,
          itemStyle: { color: "#dc2626" } }
      ]
    };
  }

  function difference(upper, lower) {
    return upper.map(function (u, i) { return u === null || lower[i] === null ? null : u - lower[i]; });
  }

  function forecastOption(spec, names) {
    var series = [{ name: names.counts, type: "line", data: spec.counts, showSymbol: false, itemStyle: { color: "#2563eb" } }];
    [["0.95", names.band95, "rgba(234, 88, 12, 0.15)"], ["0.8", names.band80, "rgba(234, 88, 12, 0.3)"]].forEach(function (b) {
      var band = spec.bands[b[0]];
      if (!band) { return; }
      series.push({ name: b[1], type: "line", stack: b[0], data: band.lower, showSymbol: false,
        lineStyle: { opacity: 0 }, areaStyle: { opacity: 0 }, itemStyle: { color: b[2] }, tooltip: { show: false } });
      series.push({ name: b[1], type: "line", stack: b[0], data: difference(band.upper, band.lower), showSymbol: false,
        lineStyle: { opacity: 0 }, areaStyle: { color: b[2] }, itemStyle: { color: b[2] } });
    });
    series.push({ name: names.mean, type: "line", data: spec.mean, showSymbol: false, lineStyle: { color: "#ea580c" }, itemStyle: { color: "#ea580c" } });
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [names.counts, names.mean, names.band80, names.band95] },
      grid: { left: 40, right: 16, top: 36, bottom: 30 },
      xAxis: { type: "category", data: spec.weeks },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    };
  }

  function draw() {
    var data = charts.readJson("surge-data") || {};
    var names = charts.readJson("surge-names") || {};
    if (typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-surge-chart]").forEach(function (el) {
      var spec = data[el.getAttribute("data-surge-chart")];
      var forecast = el.getAttribute("data-kind") === "forecast";
      if (!spec) { charts.note(el, names.empty || "—"); return; }
      if (forecast ? !spec.mean.length : spec.note) { charts.note(el, spec.note || names.empty || "—"); return; }
      charts.mount(el, forecast ? forecastOption(spec, names) : seriesOption(spec, names));
    });
  }

  charts.whenReady(draw);
})();
