/* A Leaflet map of member cities that reads without any tile server, set up from a <script type="application/json">
   block (the page's CSP runs no inline script):
   - country outlines from Natural Earth (world-atlas TopoJSON, vendored), member states tinted;
   - per member state a badge with its counts of member cities and projects (when the page gives them);
   - each city a dot in its country's colour (the stylesheet's --country-* variables), a real keyboard stop
     (Tab reaches it, Enter opens the city page) named for assistive technology;
   - a label layout that lets nothing collide: the dots stay where they are; each badge goes on its country if
     there is room, else at the nearest free place inside the map, tied to its country by a leader line in the
     country's colour; then each city name beside its dot, else at the nearest free place nearby with a leader
     line. Every badge is shown; a name with no free place left within reach is hidden until its dot is hovered
     or focused. Placement is redone after each zoom. */
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
  // Leader-line places, nearest first: rings of distances (pixels) around the anchor, 16 directions each
  function rings(distances) {
    var out = [];
    distances.forEach(function (d) {
      for (var k = 0; k < (d ? 16 : 1); k += 1) {
        var a = (k * Math.PI) / 8;
        out.push([Math.round(d * Math.cos(a)), Math.round(d * Math.sin(a))]);
      }
    });
    return out;
  }
  var BADGE_PLACES = rings([0, 26, 44, 64, 86, 110, 136, 164, 194, 226, 260, 300, 345, 395]);
  var NAME_PLACES = rings([22, 32, 44, 58, 74, 92, 112, 134, 158]);
  var NAME_PLACES_NARROW = rings([22, 32, 44, 58]);  // on a phone a far name would tangle the map: it waits for a tap

  // The page, not the map, moves under a mouse wheel and under one finger (a finger landing on the map while
  // scrolling a phone's page would pan the map and stop the page); two fingers zoom it, the buttons too.
  var map = L.map(holder, { scrollWheelZoom: false, dragging: !window.matchMedia("(pointer: coarse)").matches,
                            attributionControl: true, zoomSnap: 0.5 });
  map.attributionControl.setPrefix(false);
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18 }).addTo(map);
  }
  map.createPane("outlines").style.zIndex = 250;
  map.createPane("leaders").style.zIndex = 450;  // above the outlines, below the dots
  map.createPane("badges").style.zIndex = 640;
  var leaders = L.layerGroup().addTo(map);

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

  function crosses(p, q, r, t) {  // do segments p-q and r-t cross?
    function side(a, b, c) { return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x); }
    return side(p, q, r) * side(p, q, t) < 0 && side(r, t, p) * side(r, t, q) < 0;
  }

  function cuts(p, q, box) {  // does segment p-q pass through box?
    var corners = [{ x: box.left, y: box.top }, { x: box.right, y: box.top }, { x: box.right, y: box.bottom },
                   { x: box.left, y: box.bottom }];
    return corners.some(function (c, i) { return crosses(p, q, c, corners[(i + 1) % 4]); });
  }

  function holds(box, p) {
    return box.left <= p.x && p.x <= box.right && box.top <= p.y && p.y <= box.bottom;
  }

  function padded(box, by) {  // at least 2 px: what Leaflet's rounding may move a box by
    return { left: box.left - by, right: box.right + by, top: box.top - by, bottom: box.bottom + by };
  }

  function rect(el) {
    var r = el.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  }

  /* The point where the line from a box's middle to ``p`` leaves the box, or null when p is inside it. */
  function edgePoint(box, p) {
    var cx = (box.left + box.right) / 2;
    var cy = (box.top + box.bottom) / 2;
    var reach = Math.max(Math.abs(p.x - cx) / ((box.right - box.left) / 2 + 2),
                         Math.abs(p.y - cy) / ((box.bottom - box.top) / 2 + 2));
    if (reach <= 1) { return null; }
    return { x: cx + (p.x - cx) / reach, y: cy + (p.y - cy) / reach };
  }

  /* Put a centred overlay (badge or name) at the best of ``places`` (offsets from its anchor) that stays inside
     ``frame`` and overlaps no box in ``taken``: the one with the shortest leader line, counting each dot within
     ``berth`` pixels (whose name needs the room) and each box or leader the line would cross as ``detour``
     pixels more. With no such place the overlay is hidden. */
  function putWithLeader(overlay, anchor, places, taken, lines, frame, berth, detour) {
    var el = overlay.getElement();
    el.classList.remove("crowded");
    overlay.options.direction = "center";
    overlay.options.offset = [0, 0];
    overlay.update();
    var own = el.getBoundingClientRect();
    var w = own.right - own.left;
    var h = own.bottom - own.top;
    var best = null;
    places.forEach(function (place) {
      var cx = anchor.x + place[0];
      var cy = anchor.y + place[1];
      var box = { left: cx - w / 2, right: cx + w / 2, top: cy - h / 2, bottom: cy + h / 2 };
      if (box.left < frame.left + 2 || box.right > frame.right - 2 || box.top < frame.top + 2 ||
          box.bottom > frame.bottom - 2) { return; }
      var room = padded(box, 2);  // what Leaflet's rounding may move a box by
      if (taken.some(function (t) { return overlaps(room, t); })) { return; }
      var end = edgePoint(box, anchor);
      var cost = end ? Math.sqrt(Math.pow(end.x - anchor.x, 2) + Math.pow(end.y - anchor.y, 2)) : 0;
      var near = padded(box, berth);
      taken.forEach(function (t, j) {
        if (j < markers.length && !holds(t, anchor) && overlaps(near, t)) { cost += detour; }
        if (end && !holds(t, anchor) && cuts(anchor, end, t)) { cost += detour; }
      });
      lines.forEach(function (l) { if (end && crosses(anchor, end, l[0], l[1])) { cost += detour; } });
      if (!best || cost < best.cost) { best = { offset: place, box: box, end: end, cost: cost }; }
    });
    if (!best) {
      el.classList.add("crowded");
      return null;
    }
    overlay.options.offset = best.offset;
    overlay.update();
    taken.push(best.box);
    if (best.end) { lines.push([anchor, best.end]); }
    return best;
  }

  function countryColour(iso2) {
    return window.getComputedStyle(document.documentElement).getPropertyValue("--country-" + iso2).trim() || "#5b6670";
  }

  function drawLeader(anchor, end, frame, colour) {
    function at(p) { return map.containerPointToLatLng([p.x - frame.left, p.y - frame.top]); }
    L.polyline([at(anchor), at(end)], { pane: "leaders", interactive: false, weight: 1.2, color: colour,
                                        className: "leader" }).addTo(leaders);
  }

  function place() {
    // the dots first, then the badges, then the names: each placed where it overlaps nothing placed before it
    leaders.clearLayers();
    var frame = holder.getBoundingClientRect();
    var taken = markers.map(function (m) { return rect(m.marker.getElement()); });
    Array.prototype.forEach.call(holder.querySelectorAll(".leaflet-control"), function (control) {
      taken.push(rect(control));
    });
    var lines = [];
    var dots = markers.length;
    badges.forEach(function (badge) {
      var p = map.latLngToContainerPoint(badge.anchor);
      var anchor = { x: p.x + frame.left, y: p.y + frame.top };
      var spot = putWithLeader(badge, anchor, BADGE_PLACES, taken, lines, frame, 14, 40);
      if (spot && spot.end) {
        drawLeader(anchor, spot.end, frame, countryColour(badge.iso2));
      }
    });
    // every name that fits beside its dot first; then the others, each at the nearest free place with a leader
    var reach = frame.right - frame.left < 640 ? NAME_PLACES_NARROW : NAME_PLACES;
    var order = markers.map(function (m, i) { return i; });
    var later = order.filter(function (i) {
      var tip = markers[i].marker.getTooltip();
      if (!tip || !tip.getElement()) { return false; }
      var others = taken.filter(function (t, j) { return j !== i || j >= dots; });  // its own dot is not in its way
      if (putBeside(tip, SIDES, others)) {
        taken.push(rect(tip.getElement()));
        return false;
      }
      tip.getElement().classList.add("crowded");
      return true;
    });
    later.forEach(function (i) {
      var tip = markers[i].marker.getTooltip();
      var dot = taken[i];
      var anchor = { x: (dot.left + dot.right) / 2, y: (dot.top + dot.bottom) / 2 };
      var spot = putWithLeader(tip, anchor, reach, taken, lines, frame, 4, 30);
      if (spot && spot.end) { drawLeader(anchor, spot.end, frame, "#5b6670"); }
    });
  }

  /* A name right beside its dot, on the first side where it overlaps nothing. */
  function putBeside(overlay, sides, taken) {
    var el = overlay.getElement();
    el.classList.remove("crowded");
    var frame = holder.getBoundingClientRect();
    return sides.some(function (side) {
      overlay.options.direction = side.direction;
      overlay.options.offset = side.offset;
      overlay.update();
      var box = el.getBoundingClientRect();
      return box.left >= frame.left && box.right <= frame.right && box.top >= frame.top &&
        box.bottom <= frame.bottom && !taken.some(function (t) { return overlaps(box, t); });
    });
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
        var anchor = inside(biggestPart(layer), c.iso2);
        var badge = L.tooltip({ permanent: true, direction: "center", className: "country-badge", pane: "badges" })
          .setLatLng(anchor)
          .setContent(badgeContent(c));
        badge.anchor = anchor;
        badge.iso2 = c.iso2;
        var b = L.latLngBounds(biggestPart(layer));
        badge.area = (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
        badge.addTo(map);
        badge.getElement().style.borderLeftColor = countryColour(c.iso2);
        badges.push(badge);
      }
    }).addTo(map);
    badges.sort(function (a, b) { return a.area - b.area; });  // the smallest countries have least room: first
    map.attributionControl.addAttribution("Outlines: Natural Earth");
  }

  /* The outer ring of a country's largest polygon (by the area of its bounds). */
  function biggestPart(layer) {
    var best = null;
    var area = -1;
    var rings = layer.getLatLngs();
    (Array.isArray(rings[0][0]) ? rings : [rings]).forEach(function (polygon) {
      var b = L.latLngBounds(polygon[0]);
      var size = (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
      if (size > area) { area = size; best = polygon[0]; }
    });
    return best;
  }

  /* A point of the country for its badge's leader line: the middle (centroid) of its largest part when that lies
     inside it; else (a curved country such as Viet Nam) the member city of the country nearest to that middle. */
  function inside(ring, iso2) {
    var a = 0, x = 0, y = 0;
    ring.forEach(function (p, i) {
      var q = ring[(i + 1) % ring.length];
      var cross = p.lng * q.lat - q.lng * p.lat;
      a += cross;
      x += (p.lng + q.lng) * cross;
      y += (p.lat + q.lat) * cross;
    });
    var middle = a ? L.latLng(y / (3 * a), x / (3 * a)) : L.latLngBounds(ring).getCenter();
    var within = false;
    ring.forEach(function (p, i) {
      var q = ring[(i + 1) % ring.length];
      if ((p.lat > middle.lat) !== (q.lat > middle.lat) &&
          middle.lng < ((q.lng - p.lng) * (middle.lat - p.lat)) / (q.lat - p.lat) + p.lng) { within = !within; }
    });
    if (within) { return middle; }
    var near = null;
    data.cities.forEach(function (city) {
      var d = Math.pow(city.lat - middle.lat, 2) + Math.pow(city.long - middle.lng, 2);
      if (city.iso2 === iso2 && (!near || d < near.d)) { near = { d: d, at: L.latLng(city.lat, city.long) }; }
    });
    return near ? near.at : middle;
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
