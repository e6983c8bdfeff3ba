/* A Leaflet map of member cities, read from a <script type="application/json"> block (the page's CSP runs no
   inline script). Markers are coloured by country with the same colours as the stylesheet's legend; labels are
   permanent tooltips, so the map is readable without any tile server. Clicking a marker opens the city page. */
(function () {
  "use strict";
  var holder = document.getElementById("city-map");
  var block = document.getElementById("map-data");
  if (!holder || !block || typeof L === "undefined") { return; }
  var data = JSON.parse(block.textContent);
  var styles = getComputedStyle(document.documentElement);
  var base = document.body.getAttribute("data-root") || "";

  function colour(iso2) {
    var value = iso2 ? styles.getPropertyValue("--country-" + iso2).trim() : "";
    return value || "#0b5d7a";
  }

  var map = L.map(holder, { scrollWheelZoom: false, attributionControl: Boolean(data.tiles) });
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18 }).addTo(map);
  }
  var markers = [];
  data.cities.forEach(function (city) {
    var marker = L.circleMarker([city.lat, city.long], {
      radius: city.highlight ? 9 : 7, color: "#ffffff", weight: 1.5,
      fillColor: colour(city.iso2), fillOpacity: 0.95
    });
    marker.bindTooltip(city.label, { permanent: Boolean(data.labels !== false), direction: "right",
                                     offset: [8, 0], className: "map-label" });
    marker.on("click", function () { window.location.href = base + city.path; });
    marker.on("keypress", function () { window.location.href = base + city.path; });
    marker.addTo(map);
    markers.push({ marker: marker, city: city });
  });
  if (markers.length) {
    var group = L.featureGroup(markers.map(function (m) { return m.marker; }));
    map.fitBounds(group.getBounds(), { padding: [30, 30], maxZoom: data.maxZoom || 6 });
  } else {
    map.setView([5, 110], 4);
  }
  // The SVG paths exist once the map has a view: name them for assistive technology and for tests.
  markers.forEach(function (m) {
    var el = m.marker.getElement();
    if (el) {
      el.setAttribute("role", "link");
      el.setAttribute("aria-label", m.city.label + (m.city.country ? " (" + m.city.country + ")" : ""));
      el.setAttribute("data-city", m.city.path);
    }
  });
})();
