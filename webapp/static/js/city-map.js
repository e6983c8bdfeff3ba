/* A Leaflet map of member cities that reads without any tile server, set up from a <script type="application/json">
   block (the page's CSP runs no inline script):
   - country outlines from Natural Earth (world-atlas TopoJSON, vendored), member states tinted;
   - per member state a badge with its counts of member cities and projects (when the page gives them);
   - each city a dot in its country's colour (the stylesheet's --country-* variables), a real keyboard stop
     (Tab reaches it, Enter opens the city page) named for assistive technology;
   - each badge placed within its country where it covers no dot, then the city names where they overlap no
     dot, badge or other name; a name that fits nowhere is hidden until its dot is hovered or focused, a badge
     that fits nowhere is left out (the legend below the map holds the same counts). Placement is redone after
     each zoom. */
(function () {
  "use strict";
  var holder = document.getElementById("city-map");
  var block = document.getElementById("map-data");
  if (!holder || !block || typeof L === "undefined") { return; }
  var data = JSON.parse(block.textContent);
  var base = document.body.getAttribute("data-root") || "";
  // ISO 3166-1 numeric codes (the ids of Natural Earth's countries in world-atlas) of the ASEAN member states
  var NUMERIC = { "096": "bn", "116": "kh", "360": "id", "418": "la", "458": "my", "104": "mm", "608": "ph",
                  "702": "sg", "764": "th", "704": "vn", "626": "tl" };
  var SIDES = [{ direction: "right", offset: [8, 0] }, { direction: "left", offset: [-8, 0] },
               { direction: "top", offset: [0, -6] }, { direction: "bottom", offset: [0, 6] }];
  // where a country's badge may go, in pixels from the middle of its largest part, nearest first (its middle must
  // stay near that part)
  var SHIFTS = [[0, 0], [0, 36], [0, -36], [60, 0], [-60, 0], [0, 72], [0, -72], [60, 48], [-60, 48], [60, -48],
                [-60, -48]];

  var map = L.map(holder, { scrollWheelZoom: false, attributionControl: true, zoomSnap: 0.5 });
  map.attributionControl.setPrefix(false);
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18 }).addTo(map);
  }
  map.createPane("outlines").style.zIndex = 250;
  map.createPane("badges").style.zIndex = 640;

  var counts = {};
  (data.countries || []).forEach(function (c) { counts[c.iso2] = c; });

  if (data.cities.length) {
    map.fitBounds(L.latLngBounds(data.cities.map(function (c) { return [c.lat, c.long]; })),
                  { padding: [30, 30], maxZoom: data.maxZoom || 6 });
  } else {
    map.setView([5, 110], 4);
  }

  /* Leaflet parses a string tooltip as HTML: a name from the data goes in as a text node instead. */
  function asText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  var markers = data.cities.map(function (city) {
    var dot = L.divIcon({ className: "city-dot swatch-" + (city.iso2 || "none") + (city.highlight ? " highlight" : ""),
                          iconSize: city.highlight ? [18, 18] : [14, 14] });
    var marker = L.marker([city.lat, city.long], { icon: dot, keyboard: true, riseOnHover: true });
    marker.bindTooltip(asText(city.label), { permanent: data.labels !== false, direction: "right", offset: [8, 0],
                                     className: "map-label" });
    marker.on("click", function () { window.location.href = base + city.path; });
    marker.addTo(map);
    var el = marker.getElement();
    el.setAttribute("role", "link");
    el.setAttribute("aria-label", city.label + (city.country ? " (" + city.country + ")" : ""));
    el.setAttribute("data-city", city.path);
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { window.location.href = base + city.path; }
    });
    el.addEventListener("focus", function () { el.classList.add("focused"); reveal(marker, true); });
    el.addEventListener("blur", function () { el.classList.remove("focused"); reveal(marker, false); });
    el.addEventListener("mouseenter", function () { reveal(marker, true); });
    el.addEventListener("mouseleave", function () { if (document.activeElement !== el) { reveal(marker, false); } });
    return { marker: marker, city: city };
  });

  function reveal(marker, shown) {
    var label = marker.getTooltip() && marker.getTooltip().getElement();
    if (label) { label.classList.toggle("revealed", shown); }
  }


  var badges = [];

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function place() {
    // the dots first, then the badges, then the names: each placed where it overlaps nothing placed before it
    var taken = markers.map(function (m) { return m.marker.getElement().getBoundingClientRect(); });
    var dots = taken.length;
    var frame = holder.getBoundingClientRect();
    badges.forEach(function (badge) {
      putFirstFree(badge, SHIFTS.map(function (shift) { return { offset: shift }; }), taken, function (box) {
        return badge.country.contains(map.containerPointToLatLng(
          [(box.left + box.right) / 2 - frame.left, (box.top + box.bottom) / 2 - frame.top]));
      });
    });
    markers.forEach(function (m, i) {
      var others = taken.filter(function (t, j) { return j !== i || j >= dots; });  // its own dot is not in its way
      putFirstFree(m.marker.getTooltip(), SIDES, others);
      var label = m.marker.getTooltip().getElement();
      if (!label.classList.contains("crowded")) { taken.push(label.getBoundingClientRect()); }
    });
  }

  function putFirstFree(overlay, options, taken, allowed) {
    var el = overlay && overlay.getElement();
    if (!el) { return; }
    el.classList.remove("crowded");
    var fits = options.some(function (option) {
      overlay.options.direction = option.direction || overlay.options.direction;
      overlay.options.offset = option.offset;
      overlay.update();
      var box = el.getBoundingClientRect();
      return (!allowed || allowed(box)) && !taken.some(function (t) { return overlaps(box, t); });
    });
    if (!fits) {
      el.classList.add("crowded");
    } else if (allowed) {
      taken.push(el.getBoundingClientRect());
    }
  }

  function drawOutlines(world) {
    var features = topojson.feature(world, world.objects.countries).features;
    var view = map.getBounds().pad(1.5);
    L.geoJSON({ type: "FeatureCollection", features: features }, {
      pane: "outlines", interactive: false,
      filter: function (f) { return view.intersects(L.geoJSON(f).getBounds()); },
      style: function (f) {
        var member = NUMERIC[f.id];
        return { className: member ? "country member country-" + member : "country", weight: 1 };
      },
      onEachFeature: function (f, layer) {
        var c = counts[NUMERIC[f.id]];
        if (!c) { return; }
        var part = biggestPart(layer);
        var badge = L.tooltip({ permanent: true, direction: "center", className: "country-badge", pane: "badges" })
          .setLatLng(part.getCenter())
          .setContent(badgeContent(c));
        badge.country = part.pad(0.6);  // near enough to read as this country's
        badge.addTo(map);
        badges.push(badge);
      }
    }).addTo(map);
    map.attributionControl.addAttribution("Outlines: Natural Earth");
  }

  function biggestPart(layer) {
    var best = null;
    var area = -1;
    var rings = layer.getLatLngs();
    (Array.isArray(rings[0][0]) ? rings : [rings]).forEach(function (polygon) {
      var b = L.latLngBounds(polygon[0]);
      var size = (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
      if (size > area) { area = size; best = b; }
    });
    return best;
  }

  function badgeContent(c) {
    var box = document.createElement("span");
    var name = document.createElement("strong");
    name.textContent = c.label;
    box.appendChild(name);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(
      c.cities + (c.cities === 1 ? " city" : " cities") + " · " + c.projects + (c.projects === 1 ? " project" : " projects")));
    return box;
  }

  map.on("zoomend moveend", place);
  if (data.outlines && typeof topojson !== "undefined") {
    fetch(data.outlines)
      .then(function (response) { return response.json(); })
      .then(function (world) { drawOutlines(world); place(); holder.setAttribute("data-outlines", "ready"); })
      .catch(function () { place(); holder.setAttribute("data-outlines", "missing"); });
  } else {
    place();
  }
})();
