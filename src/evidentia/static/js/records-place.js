// Records request, "near a place": clicking the map fills in the latitude and longitude
// fields and draws the search circle. The form works without this script.
const box = document.querySelector("[data-records-map]");
const form = document.querySelector("[data-place-form]");
if (box && form && window.L) init(box, form);

function init(box, form) {
  const L = window.L;
  const lat = form.elements.lat;
  const lon = form.elements.lon;
  const radius = form.elements.radius;
  const map = L.map(box, { attributionControl: Boolean(box.dataset.tiles), keyboard: true });
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution || "", maxZoom: 19 }).addTo(map);
  } else {
    box.classList.add("no-tiles");
    document.querySelector("[data-map-note]").textContent =
      "No map tiles are configured: click where the place is, or type its coordinates.";
  }
  L.control.scale({ imperial: false }).addTo(map);

  let circle = null;
  const number = (input) => {
    const value = Number.parseFloat(input.value);
    return Number.isFinite(value) ? value : null;
  };
  const draw = (fit) => {
    const y = number(lat);
    const x = number(lon);
    const r = number(radius);
    if (circle) circle.remove();
    circle = null;
    if (y === null || x === null || Math.abs(y) > 90 || Math.abs(x) > 180) return;
    circle = L.circle([y, x], { radius: r && r > 0 ? r : 250, color: "#c26a00", weight: 2, fillOpacity: 0.12 }).addTo(map);
    if (fit) map.fitBounds(circle.getBounds(), { padding: [30, 30], maxZoom: 17 });
  };

  map.setView([45.5152, -122.6784], 13);
  draw(true);
  map.on("click", (e) => {
    lat.value = e.latlng.lat.toFixed(6);
    lon.value = e.latlng.lng.toFixed(6);
    draw(false);
  });
  for (const input of [lat, lon, radius]) input.addEventListener("change", () => draw(true));
}
