// The recording's GPS track on a Leaflet map. The marker follows the video's time;
// clicking the track seeks the video. With no tile server (closed networks) the track
// is drawn on a plain background with a scale bar.
import { fmt, getJSON } from "./common.js";

const box = document.querySelector("[data-track-map]");
const player = document.querySelector("[data-player]");
if (box && player && window.L) init(box, player);

function nearest(points, latlng) {
  let best = 0;
  let bestD = Infinity;
  points.forEach((p, i) => {
    const d = (p.lat - latlng.lat) ** 2 + (p.lon - latlng.lng) ** 2;
    if (d < bestD) { bestD = d; best = i; }
  });
  return best;
}

function at(points, t) {
  // The position at time t, interpolated between the fixes around it.
  if (t <= points[0].t) return { ...points[0] };
  for (let i = 1; i < points.length; i++) {
    const b = points[i];
    if (b.t >= t) {
      const a = points[i - 1];
      const f = b.t === a.t ? 0 : (t - a.t) / (b.t - a.t);
      return { lat: a.lat + (b.lat - a.lat) * f, lon: a.lon + (b.lon - a.lon) * f, speed: a.speed, heading: a.heading, t };
    }
  }
  return { ...points[points.length - 1] };
}

async function init(box, player) {
  const base = player.dataset.base;
  const track = await getJSON(base + "track.geojson");
  const points = track ? toPoints(track) : [];
  const panel = box.closest("[data-map-panel]");
  if (points.length < 1) { if (panel) panel.hidden = true; return; }
  if (panel) panel.hidden = false;
  const note = document.querySelector("[data-map-note]");
  const readout = document.querySelector("[data-map-readout]");
  const map = L.map(box, { attributionControl: Boolean(box.dataset.tiles), keyboard: true });
  if (box.dataset.tiles) {
    const layer = L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution || "", maxZoom: 19 });
    let warned = false;
    layer.on("tileerror", () => {
      if (!warned && note) note.textContent = "Map tiles cannot be reached; the track is drawn without them.";
      warned = true;
    });
    layer.addTo(map);
  } else {
    box.classList.add("no-tiles");
    if (note) note.textContent = "No map tiles are configured: the track is drawn on a plain background.";
  }
  L.control.scale({ imperial: false }).addTo(map);
  const latlngs = points.map((p) => [p.lat, p.lon]);
  const line = L.polyline(latlngs, { color: "#0b5cad", weight: 5, opacity: 0.85 }).addTo(map);
  L.circleMarker(latlngs[0], { radius: 5, color: "#1d6b36", fillOpacity: 1 }).addTo(map).bindTooltip("Start");
  const marker = L.circleMarker(latlngs[0], { radius: 8, color: "#fff", weight: 2, fillColor: "#a3231f", fillOpacity: 1 }).addTo(map);
  map.fitBounds(line.getBounds(), { padding: [24, 24], maxZoom: 18 });
  const video = player.querySelector("video");
  line.on("click", (e) => {
    const p = points[nearest(points, e.latlng)];
    if (video) video.currentTime = p.t;
  });
  const update = (t) => {
    const p = at(points, t);
    marker.setLatLng([p.lat, p.lon]);
    box.dataset.markerLat = p.lat.toFixed(6);
    box.dataset.markerLon = p.lon.toFixed(6);
    if (readout) {
      const speed = p.speed == null ? "—" : `${(p.speed * 3.6).toFixed(0)} km/h (${(p.speed * 2.23694).toFixed(0)} mph)`;
      const heading = p.heading == null ? "—" : `${Math.round(p.heading)}°`;
      readout.textContent = `${fmt(t)} · speed ${speed} · heading ${heading}`;
    }
  };
  player.addEventListener("player:time", (e) => update(e.detail));
  update(0);
}

function toPoints(track) {
  const feature = track.type === "FeatureCollection" ? track.features[0] : track;
  const coords = feature.geometry.type === "Point" ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  const props = feature.properties || {};
  return coords.map(([lon, lat], i) => ({
    lon, lat,
    t: (props.offsets_s || [])[i] ?? 0,
    speed: (props.speeds_mps || [])[i] ?? null,
    heading: (props.headings_deg || [])[i] ?? null,
  }));
}
