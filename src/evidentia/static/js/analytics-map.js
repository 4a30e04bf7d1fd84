// The hotspot map: each cell as a rectangle in its colour, on tiles when the agency
// configured a tile server, else on a plain background with the study area outlined,
// and the bias report's area units (when the dataset has a polygon layer) as outlines.
// The table beside the map carries the same figures for screen readers and no-JS.
(function () {
  const box = document.querySelector("[data-analytics-map]");
  const source = document.getElementById("analytics-map-config");
  if (!box || !source || !window.L) return;
  const config = JSON.parse(source.textContent);
  box.hidden = false;
  const map = window.L.map(box, { attributionControl: Boolean(config.tiles), keyboard: true });
  if (config.tiles) {
    window.L.tileLayer(config.tiles, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
  } else {
    box.classList.add("no-tiles");
    const note = document.querySelector("[data-map-note]");
    if (note) note.textContent = note.dataset.noTiles;
  }
  // A vector layer needs the map's view first, so fit the bounds before drawing.
  const a = config.area;
  if (config.cells.length) {
    const bounds = window.L.latLngBounds(config.cells.map((c) => [[c.south, c.west], [c.north, c.east]]).flat());
    map.fitBounds(bounds, { padding: [16, 16] });
  } else if (a) {
    map.fitBounds([[a[0], a[1]], [a[2], a[3]]]);
  } else {
    map.setView([0, 0], 2);
  }
  const layer = window.L.featureGroup();
  for (const c of config.cells) {
    window.L.rectangle([[c.south, c.west], [c.north, c.east]], {
      color: "#333", weight: 0.5, fillColor: c.colour, fillOpacity: 0.8,
    }).bindTooltip(`${c.count} incidents; ${config.label}: ${c.value}`).addTo(layer);
  }
  layer.addTo(map);
  if (a) {
    window.L.rectangle([[a[0], a[1]], [a[2], a[3]]], {
      color: "#17406d", weight: 2, fill: false, dashArray: "6 6", interactive: false,
    }).addTo(map);
  }
  // The area units of the bias report (census tracts or another polygon layer), as
  // outlines only: no popups or tooltips, so no unit name is ever read as HTML.
  if (config.areas && config.areas.features && config.areas.features.length) {
    window.L.geoJSON(config.areas, {
      style: { color: "#5a4a8a", weight: 1, fill: false, dashArray: "2 3" },
      interactive: false,
    }).addTo(map);
  }
  window.L.control.scale({ imperial: true }).addTo(map);
})();
