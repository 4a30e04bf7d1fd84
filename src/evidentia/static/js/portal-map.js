// The public list's and a public report's map: each report as a circle the size of
// its block-sized cell (the exact place is never sent to the browser).
import { baseMap, readConfig } from "./portal-common.js";

const box = document.querySelector("[data-list-map]");
const config = readConfig();
if (box && config) init(box, config);

function popup(point) {
  const link = document.createElement("a");
  link.href = point.url;
  link.textContent = point.title;
  return link;
}

function init(box, config) {
  const note = document.querySelector("[data-map-note]");
  const map = baseMap(box, config, note);
  if (!map) return;
  const shapes = config.points.map((p) =>
    window.L.circle([p.lat, p.lon], {
      radius: config.cell_m / 2,
      color: "#0b5cad",
      weight: 2,
      fillOpacity: 0.35,
    })
      .bindPopup(popup(p))
      .addTo(map),
  );
  if (shapes.length === 1) map.setView(shapes[0].getLatLng(), 16);
  else if (shapes.length) map.fitBounds(window.L.featureGroup(shapes).getBounds(), { padding: [24, 24], maxZoom: 16 });
}
