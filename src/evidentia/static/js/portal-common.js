// Shared by the public portal's scripts: file checks, tus uploads with an
// Upload-Grant, the per-file progress row, and the base Leaflet map (tiles when the
// agency configured a tile server, else a plain background with the service area).

export function size(bytes) {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return i === 0 ? `${n} bytes` : `${n.toFixed(1)} ${units[i]}`;
}

function typeOk(file, accept) {
  const patterns = (accept || "").split(",").map((p) => p.trim().toLowerCase()).filter(Boolean);
  if (!patterns.length || !file.type) return true; // the server sniffs the bytes anyway
  const type = file.type.toLowerCase();
  return patterns.some((p) => p === type || (p.endsWith("/*") && type.startsWith(p.slice(0, -1))));
}

// A reason this file cannot be sent, or "".
export function problemWith(file, maxBytes, accept) {
  if (file.size === 0) return "It is empty (0 bytes).";
  if (maxBytes && file.size > maxBytes) {
    return `It is ${size(file.size)}, larger than the ${size(maxBytes)} allowed per file.`;
  }
  if (!typeOk(file, accept)) return "This kind of file is not accepted; send photos, videos or audio.";
  return "";
}

export function errorText(error) {
  const response = error && error.originalResponse;
  const status = response ? response.getStatus() : 0;
  const body = response ? (response.getBody() || "").trim() : "";
  if (body && !body.startsWith("<")) return body;
  if (status) return `The server refused the file (HTTP ${status}).`;
  return "The connection was lost. Check your connection and choose the file again to continue.";
}

// Send one file over tus; resolves when it is stored as evidence. `scope` names the
// report or invite the page uploads for and, unlike the signed grant, is the same on
// every load, so the same file chosen again after a reload resumes. localStorage
// keeps the scope, the file's name, size and date and the upload's address: never a
// tracking code, an invite token or a grant.
export function sendFile(file, { endpoint, grant, scope, onProgress }) {
  return new Promise((resolve, reject) => {
    const upload = new window.tus.Upload(file, {
      endpoint,
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      removeFingerprintOnSuccess: true,
      headers: { "Upload-Grant": grant },
      metadata: { filename: file.name, filetype: file.type || "application/octet-stream" },
      // Resume only within the same scope: another report's upload is not ours.
      fingerprint: (f) => Promise.resolve(["portal", scope, f.name, f.size, f.lastModified].join("-")),
      onProgress,
      onSuccess: () => resolve(upload),
      onError: reject,
    });
    upload
      .findPreviousUploads()
      .then((previous) => {
        const earlier = previous.find((p) => p.uploadUrl);
        if (earlier) upload.resumeFromPreviousUpload(earlier);
        upload.start();
      })
      .catch(() => upload.start());
  });
}

export class Row {
  constructor(list, name, bytes) {
    this.el = document.createElement("li");
    this.el.className = "upload-row";
    const top = document.createElement("div");
    top.className = "upload-head";
    const title = document.createElement("span");
    title.className = "upload-name";
    title.textContent = name;
    const total = document.createElement("span");
    total.className = "muted";
    total.textContent = size(bytes || 0);
    top.append(title, total);
    this.bar = document.createElement("progress");
    this.bar.max = 100;
    this.bar.value = 0;
    this.bar.setAttribute("aria-label", `Sending ${name}`);
    this.text = document.createElement("p");
    this.text.className = "upload-status small";
    this.el.append(top, this.bar, this.text);
    list.append(this.el);
  }

  progress(sent, total) {
    const percent = total ? Math.floor((sent / total) * 100) : 0;
    this.bar.value = percent;
    this.text.textContent = `${percent}% · ${size(sent)} of ${size(total)}`;
  }

  status(text) {
    this.text.textContent = text;
  }

  done(text = "Received.") {
    this.el.classList.add("done");
    this.bar.value = 100;
    this.text.textContent = text;
  }

  fail(message) {
    this.el.classList.add("failed");
    this.bar.hidden = true;
    this.text.textContent = message;
    this.text.classList.add("error");
  }
}

export function readConfig() {
  const node = document.getElementById("map-config");
  return node ? JSON.parse(node.textContent) : null;
}

// A Leaflet map in `box`, or null when Leaflet did not load.
export function baseMap(box, config, note) {
  if (!window.L || !box || !config) return null;
  box.hidden = false;
  const map = window.L.map(box, { attributionControl: Boolean(config.tiles), keyboard: true });
  const b = config.bounds;
  if (config.tiles) {
    window.L.tileLayer(config.tiles, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
  } else {
    box.classList.add("no-tiles");
    if (note) note.textContent = note.dataset.noTiles || "No street map is available on this network. The dashed outline is the area the agency serves.";
  }
  if (b) {
    window.L.rectangle([[b[0], b[1]], [b[2], b[3]]], {
      color: "#17406d", weight: 2, fill: false, dashArray: "6 6", interactive: false,
    }).addTo(map);
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]]);
  } else {
    map.setView(config.center, 13);
  }
  window.L.control.scale({ imperial: true }).addTo(map);
  return map;
}
