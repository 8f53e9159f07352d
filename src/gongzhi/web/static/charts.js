/* What every chart page shares (analytics.js, surge.js): data from <script type="application/json">
   blocks (no inline script), a note in place of an empty chart, ECharts drawn as SVG that follows the
   window's size, and running once the page is parsed. Load it before them (both are deferred). */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function note(el, text) {
    el.textContent = "";
    var p = document.createElement("p");
    p.className = "chart-note";
    p.textContent = text;
    el.appendChild(p);
  }

  function mount(el, option) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function whenReady(draw) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", draw);
    } else {
      draw();
    }
  }

  window.gongzhiCharts = { readJson: readJson, note: note, mount: mount, whenReady: whenReady };
})();
