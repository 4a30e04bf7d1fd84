// Staff pages of the community portal. The report page shows the exact place on a
// Leaflet map with the 50 m duplicate radius; with no tile server (closed networks) the
// point is drawn on a plain background with a scale bar.
const box = document.querySelector("[data-report-map]");
if (box && window.L) init(box);

// The one-time invite page: copy the link to the clipboard.
document.querySelectorAll("[data-copy]").forEach((button) => button.addEventListener("click", async () => {
  const said = document.querySelector("[data-copied]");
  try {
    await navigator.clipboard.writeText(button.dataset.copy);
    if (said) said.textContent = "Copied.";
  } catch {
    if (said) said.textContent = "Select the link above and copy it.";
  }
}));

function init(box) {
  const lat = Number.parseFloat(box.dataset.lat);
  const lon = Number.parseFloat(box.dataset.lon);
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return;
  const note = document.querySelector("[data-map-note]");
  const map = L.map(box, { attributionControl: Boolean(box.dataset.tiles), keyboard: true, scrollWheelZoom: false });
  if (box.dataset.tiles) {
    const layer = L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution || "", maxZoom: 19 });
    let warned = false;
    layer.on("tileerror", () => {
      if (!warned && note) note.textContent = "Map tiles cannot be reached; the point is drawn without them.";
      warned = true;
    });
    layer.addTo(map);
  } else {
    box.classList.add("no-tiles");
    if (note) note.textContent = "No map tiles are configured: the point is drawn on a plain background, with the 50 m duplicate radius.";
  }
  L.control.scale({ imperial: false }).addTo(map);
  L.circle([lat, lon], { radius: 50, color: "#0b5cad", weight: 1, dashArray: "4 4", fillOpacity: 0.06 })
    .addTo(map).bindTooltip("50 m: duplicates are looked for inside this circle");
  L.circleMarker([lat, lon], { radius: 8, color: "#fff", weight: 2, fillColor: "#a3231f", fillOpacity: 1 })
    .addTo(map).bindTooltip("Reported here");
  map.setView([lat, lon], 18);
}
