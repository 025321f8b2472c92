/* The wall dashboard: draws the charts from the data embedded in the page, then fetches the
   same data again every minute from the API (data-url: GET /api/v1/reports/dashboard) and
   updates the figures, charts and lists in place. A failed fetch keeps the last figures and
   shows the offline hint until a fetch succeeds. */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script.dataset.url;
  var refresh = (parseInt(script.dataset.refresh, 10) || 60) * 1000;
  var labels = JSON.parse(document.getElementById("dashboard-labels").textContent);
  var alertsUrl = script.dataset.alertsUrl, incidentsUrl = script.dataset.incidentsUrl;
  var palette = ["#5cb8ff", "#ffc247", "#3ddc84", "#ff5a4e", "#c792ea", "#4dd0e1", "#ff8a65", "#aed581"];
  var charts = {};

  function chart(id) {
    if (!charts[id]) {
      charts[id] = echarts.init(document.getElementById(id), "dark", {renderer: "canvas"});
    }
    return charts[id];
  }

  function base(extra) {
    var big = window.innerWidth >= 1100;
    var font = big ? Math.max(13, Math.round(window.innerWidth / 120)) : 12;
    var option = {
      backgroundColor: "transparent", color: palette, animation: false,
      textStyle: {fontSize: font},
      tooltip: {trigger: "axis"},
      legend: {top: 0, textStyle: {color: "#f2f5f9", fontSize: font}, type: "scroll"},
      grid: {left: 8, right: 12, top: font * 2.4, bottom: 4, containLabel: true},
      yAxis: {type: "value", minInterval: 1, axisLabel: {color: "#a9b6c8", fontSize: font},
              splitLine: {lineStyle: {color: "#24324a"}}}
    };
    for (var key in extra) { option[key] = extra[key]; }
    return option;
  }

  function axis(data, font) {
    return {type: "category", data: data, axisLabel: {color: "#a9b6c8", fontSize: font}, axisLine: {lineStyle: {color: "#3b4a60"}}};
  }

  function line(name, data, area) {
    return {name: name, type: "line", data: data, symbol: "none", lineStyle: {width: 3},
            areaStyle: area ? {opacity: 0.15} : undefined};
  }

  function draw(data) {
    var font = window.innerWidth >= 1100 ? Math.max(13, Math.round(window.innerWidth / 120)) : 12;
    var t = data.trend;
    chart("chart-passages").setOption(base({
      xAxis: axis(t.days, font),
      series: [line(labels.passages, t.passages, true), line(labels.refusals, t.refusals, false)]
    }), true);
    var trend = base({
      color: ["#3ddc84", "#ffc247", "#ff5a4e", "#c792ea", "#4dd0e1"],
      xAxis: axis(t.days, font),
      series: [line(labels.returnees, t.returnees), line(labels.in_quarantine, t.in_quarantine),
               line(labels.fever_alerts, t.fever_alerts), line(labels.incidents, t.incidents)]
    });
    // Doors covered run in the hundreds a day: on their own axis (right) they do not flatten the others.
    var doors = line(labels.doors_covered, t.doors_covered || []);
    doors.type = "bar"; doors.yAxisIndex = 1; doors.itemStyle = {opacity: 0.45};
    trend.series.push(doors);
    trend.yAxis = [trend.yAxis, {type: "value", minInterval: 1, axisLabel: {color: "#a9b6c8", fontSize: font},
                                 splitLine: {show: false}}];
    chart("chart-trend").setOption(trend, true);
    var hourly = data.hourly;
    var hourlyOption = base({
      xAxis: axis(hourly.hours.map(function (h) { return h + ""; }), font),
      series: hourly.series.map(function (s) { return {name: s.name, type: "bar", stack: "all", data: s.data}; })
    });
    if (!hourly.series.length) {
      hourlyOption.title = {text: labels.no_passages, left: "center", top: "middle",
                            textStyle: {color: "#a9b6c8", fontSize: font * 1.3, fontWeight: "normal"}};
    }
    chart("chart-hourly").setOption(hourlyOption, true);
    var ends = data.quarantine_ends;
    chart("chart-ends").setOption(base({
      legend: {show: false},
      xAxis: axis(ends.days, font),
      series: [{name: labels.quarantine_ends, type: "bar", data: ends.counts, itemStyle: {color: "#ffc247"},
                label: {show: true, position: "top", color: "#f2f5f9", fontSize: font * 1.2, fontWeight: "bold"}}]
    }), true);
    document.getElementById("wall-overdue").textContent = ends.overdue ? "· " + ends.overdue + " " + labels.overdue : "";
  }

  function item(list, parts, href) {
    var li = document.createElement("li");
    parts.forEach(function (part) {
      var el = document.createElement(part.link ? "a" : "span");
      if (part.link) { el.href = href; }
      el.className = part.cls || "";
      el.textContent = part.text;
      li.appendChild(el);
    });
    list.appendChild(li);
  }

  function lists(data) {
    var alerts = document.getElementById("list-alerts");
    alerts.textContent = "";
    data.fever_alerts.forEach(function (a) {
      item(alerts, [{text: a.raised_at, cls: "when"}, {text: a.temperature + " °C", cls: "temp"},
                    {text: a.checkpoint, link: true},
                    {text: a.assigned ? labels.assigned : labels.unassigned, cls: a.assigned ? "pill pill-muted" : "pill pill-high"}],
           alertsUrl + "?alert=" + a.id);
    });
    if (!data.fever_alerts.length) { item(alerts, [{text: labels.no_alerts, cls: "empty"}]); }
    var incidents = document.getElementById("list-incidents");
    incidents.textContent = "";
    data.incidents.forEach(function (i) {
      item(incidents, [{text: i.reported_at, cls: "when"}, {text: i.urgency_label, cls: "pill pill-" + i.urgency},
                       {text: i.title + (i.location ? " · " + i.location : ""), link: true},
                       {text: i.status_label, cls: "pill pill-muted"}],
           incidentsUrl + i.id + "/");
    });
    if (!data.incidents.length) { item(incidents, [{text: labels.no_incidents, cls: "empty"}]); }
  }

  // A figure never overflows its tile: the CSS sizes it to the tile, and a figure wider than
  // that (six or seven digits) is shrunk here until it fits.
  function fit(el) {
    el.style.fontSize = "";
    var size = parseFloat(getComputedStyle(el).fontSize);
    while (el.scrollWidth > el.clientWidth && size > 12) {
      size = Math.floor(size * 0.92);
      el.style.fontSize = size + "px";
    }
  }

  function fitAll() { document.querySelectorAll("[data-figure]").forEach(fit); }

  function figures(data) {
    Object.keys(data.figures).forEach(function (key) {
      var el = document.querySelector('[data-figure="' + key + '"]');
      if (el) {
        var value = data.figures[key];
        el.textContent = value === null ? "\u2014" : value.toLocaleString();  // unknown is not zero
        el.parentNode.classList.toggle("zero", data.figures[key] === 0 && /open_|refusals/.test(key));
      }
    });
    fitAll();
    document.getElementById("wall-label").textContent = data.label;
    document.getElementById("wall-updated").textContent = data.updated_at;
  }

  function show(data) { figures(data); draw(data); lists(data); }

  function offline(yes) { document.getElementById("wall-offline").hidden = !yes; }

  var inFlight = false;  // one request at a time: the timer, "back online" and a manual refresh may meet

  function fetchData() {
    if (inFlight) { return; }
    inFlight = true;
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { show(data); offline(false); })
      .catch(function () { offline(true); })
      .finally(function () { inFlight = false; });
  }

  // The community's time, not the browser's: a wall screen or a laptop set to another zone
  // would otherwise show a clock that disagrees with "last updated" (the server's local time).
  var clockFormat = new Intl.DateTimeFormat(script.dataset.lang || undefined,
    {hour: "2-digit", minute: "2-digit", hour12: false, timeZone: script.dataset.timeZone || undefined});

  function tick() {
    document.getElementById("wall-clock").textContent = clockFormat.format(new Date());
  }

  show(JSON.parse(document.getElementById("dashboard-data").textContent));
  tick();
  setInterval(tick, 10000);
  setInterval(fetchData, refresh);
  window.addEventListener("online", fetchData);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
    fitAll();
  });
  window.fangxianDashboardRefresh = fetchData;  // for tests and a manual refresh from the console
})();
