/* rollout5g: the ECharts charts of the overview, indicator and dashboard pages.
   Each chart element names its kind in data-chart and its data in a JSON block (json_script); tooltips are drawn
   on the canvas (renderMode "richText"), so no value ever becomes HTML. */
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var TOOLTIP_AXIS = {trigger: "axis", renderMode: "richText"};

  var kinds = {
    // Target and actual per year (overview page; policy indicator page)
    "target-actual": function (el) {
      var d = data(el.dataset.source), rows = d.rows;
      var chart = echarts.init(el);
      chart.setOption({
        animation: false,
        tooltip: TOOLTIP_AXIS, legend: {data: [d.labels.target, d.labels.actual]},
        grid: {left: 50, right: 10, top: 30, bottom: 30},
        xAxis: {type: "category", data: rows.map(function (r) { return r.label; })}, yAxis: {type: "value"},
        series: [{name: d.labels.target, type: "bar", itemStyle: {color: "#bcccdc"}, data: rows.map(function (r) { return r.target; })},
                 {name: d.labels.actual, type: "bar", itemStyle: {color: "#2e7d32"}, data: rows.map(function (r) { return r.actual; })}]
      });
    },
    // Actual against the time-prorated expectation, one chart per region (supervision indicator page)
    "actual-expected": function (el) {
      var all = data(el.dataset.source), labels = data(el.dataset.labels);
      if (typeof all === "string") { all = JSON.parse(all); }
      var s = all[Number(el.dataset.index)];
      var chart = echarts.init(el);
      chart.setOption({animation: false, tooltip: TOOLTIP_AXIS, legend: {data: [labels.actual, labels.expected]},
        grid: {left: 50, right: 10, top: 30, bottom: 30}, xAxis: {type: "category", data: s.dates}, yAxis: {type: "value"},
        series: [{name: labels.actual, type: "line", data: s.actual, itemStyle: {color: "#2e7d32"}},
                 {name: labels.expected, type: "line", data: s.expected, lineStyle: {type: "dashed"}, itemStyle: {color: "#8a94a6"}}]});
    },
    // Tasks by colour (leadership dashboard)
    "colour-pie": function (el) {
      var counts = data(el.dataset.source);
      var palette = {red: "#c62828", amber: "#e69b00", grey: "#8a94a6", green: "#2e7d32"};
      var chart = echarts.init(el);
      chart.setOption({animation: false, tooltip: {renderMode: "richText"}, series: [{type: "pie", radius: ["40%", "70%"],
        data: Object.keys(counts).map(function (k) { return {name: k, value: counts[k], itemStyle: {color: palette[k]}}; })}]});
    }
  };
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var init = kinds[el.dataset.chart];
    if (init) { init(el); }
  });
})();
