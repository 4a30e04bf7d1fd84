// Map search: draw a box (or take the map's view), pick a time range, list what was
// recorded there. The search itself is GET /api/v1/map/search.
import { getJSON } from "./common.js";

const box = document.querySelector("[data-search-map]");
if (box && window.L) init(box);

function init(box) {
  const form = document.querySelector("[data-search-form]");
  const drawButton = form.querySelector("[data-act=draw]");
  const shown = form.querySelector("[data-bbox]");
  const status = document.querySelector("[data-map-status]");
  const table = document.querySelector("[data-results]");
  const starts = JSON.parse(document.getElementById("map-starts").textContent);
  const map = L.map(box, { attributionControl: Boolean(box.dataset.tiles), keyboard: true });
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution || "", maxZoom: 19 }).addTo(map);
  } else {
    box.classList.add("no-tiles");
    document.querySelector("[data-map-note]").textContent =
      "No map tiles are configured: dots mark where recent evidence starts.";
  }
  L.control.scale({ imperial: false }).addTo(map);
  const dots = starts.map((s) => L.circleMarker([s.lat, s.lon], { radius: 4, color: "#0b5cad", weight: 1, fillOpacity: 0.6 }).addTo(map));
  if (dots.length) map.fitBounds(L.featureGroup(dots).getBounds(), { padding: [30, 30], maxZoom: 16 });
  else map.setView([45.5152, -122.6784], 13);

  let bounds = null;
  let rect = null;
  const choose = (b) => {
    bounds = b;
    if (rect) rect.remove();
    rect = L.rectangle(b, { color: "#c26a00", weight: 2, fillOpacity: 0.08 }).addTo(map);
    const f = (n) => n.toFixed(5);
    shown.textContent = `${f(b.getSouth())}, ${f(b.getWest())} to ${f(b.getNorth())}, ${f(b.getEast())}`;
  };
  let drawing = false;
  let anchor = null;
  const setDrawing = (on) => {
    drawing = on;
    drawButton.setAttribute("aria-pressed", String(on));
    drawButton.textContent = on ? "Drag on the map…" : "Draw a box";
    if (on) map.dragging.disable(); else map.dragging.enable();
    box.style.cursor = on ? "crosshair" : "";
  };
  drawButton.addEventListener("click", () => setDrawing(!drawing));
  form.querySelector("[data-act=view]").addEventListener("click", () => choose(map.getBounds()));
  map.on("mousedown", (e) => { if (drawing) anchor = e.latlng; });
  map.on("mousemove", (e) => { if (drawing && anchor) choose(L.latLngBounds(anchor, e.latlng)); });
  map.on("mouseup", (e) => {
    if (!drawing || !anchor) return;
    choose(L.latLngBounds(anchor, e.latlng));
    anchor = null;
    setDrawing(false);
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!bounds) { status.textContent = "Choose an area first: draw a box or use the map view."; return; }
    const params = new URLSearchParams({
      bbox: [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map((n) => n.toFixed(6)).join(","),
    });
    for (const name of ["start", "end"]) {
      const value = form.elements[name].value;
      if (value) params.set(name, `${value}${value.length === 16 ? ":00" : ""}Z`);
    }
    status.textContent = "Searching…";
    const response = await fetch(`/api/v1/map/search?${params}`, { credentials: "same-origin" });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) { status.textContent = body.detail || "The search failed."; table.hidden = true; return; }
    const rows = body.items.map((item) => {
      const tr = document.createElement("tr");
      const link = document.createElement("a");
      link.href = `/evidence/${item.id}/`;
      link.textContent = item.title;
      const cells = [link, item.officer_name || "—", item.recorded_at ? item.recorded_at.replace("T", " ").slice(0, 16) + " UTC" : "unknown", String(item.points)];
      for (const c of cells) { const td = document.createElement("td"); td.append(c); tr.append(td); }
      return tr;
    });
    table.querySelector("tbody").replaceChildren(...rows);
    table.hidden = rows.length === 0;
    status.textContent = rows.length ? `${body.total} item${body.total === 1 ? "" : "s"} recorded here.` : "Nothing you can see was recorded in this area and time.";
  });
}
