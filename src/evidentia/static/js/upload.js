// The upload page: resumable uploads to /api/v1/uploads/ with tus-js-client (global `tus`).
// Each file gets a row with a progress bar, pause/resume and cancel. tus-js-client keeps
// each upload's URL in localStorage under the file's fingerprint, so after a reload the
// page lists unfinished uploads and choosing the same file again continues it.

const MAX_ACTIVE = 3;
const CHUNK = 16 * 1024 * 1024;
const NIL = "00000000-0000-0000-0000-000000000000";

const root = document.getElementById("uploader");
if (root && window.tus && window.tus.isSupported) {
  init(root);
} else if (root) {
  root.insertAdjacentHTML(
    "afterbegin",
    '<p class="panel error">This browser cannot upload here. Use a current browser.</p>',
  );
}

function init(root) {
  const endpoint = root.dataset.endpoint;
  const csrf = root.dataset.csrf;
  const maxBytes = Number(root.dataset.maxBytes);
  const itemUrl = (id) => root.dataset.itemUrl.replace(NIL, id);
  const storage = window.tus.defaultOptions.urlStorage;
  const list = document.getElementById("u-list");
  const pendingPanel = document.getElementById("u-pending-panel");
  const pendingList = document.getElementById("u-pending");
  const announcer = document.getElementById("u-announce");
  const input = document.getElementById("u-files");
  const zone = document.getElementById("u-dropzone");
  const jobs = [];

  input.addEventListener("change", () => {
    addFiles(input.files);
    input.value = "";
  });
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    addFiles(event.dataTransfer.files);
  });
  showPending();

  function announce(text) {
    announcer.textContent = text;
  }

  function details() {
    const out = {};
    for (const [key, id] of [
      ["officer", "u-officer"],
      ["device_id", "u-device"],
      ["case", "u-case"],
      ["description", "u-description"],
    ]) {
      const value = document.getElementById(id).value.trim();
      if (value) out[key] = value;
    }
    return out;
  }

  function addFiles(files) {
    for (const file of files) addFile(file);
  }

  function addFile(file) {
    const row = new Row(list, file.name, file.size);
    if (file.size === 0) return row.fail("This file is empty; there is nothing to upload.");
    if (file.size > maxBytes) {
      return row.fail(`This file is larger than the ${size(maxBytes)} this server accepts.`);
    }
    const job = { row, state: "queued", name: file.name };
    job.upload = new window.tus.Upload(file, {
      endpoint,
      chunkSize: CHUNK,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      removeFingerprintOnSuccess: true,
      headers: { "X-CSRFToken": csrf },
      metadata: { filename: file.name, filetype: file.type || "application/octet-stream", ...details() },
      onProgress: (sent, total) => row.progress(sent, total),
      onSuccess: (payload) => succeeded(job, payload.lastResponse),
      onError: (error) => failed(job, error),
    });
    jobs.push(job);
    queued(job);
    pump();
  }

  function pump() {
    let running = jobs.filter((j) => j.state === "running").length;
    for (const job of jobs) {
      if (running >= MAX_ACTIVE) break;
      if (job.state === "queued") {
        begin(job);
        running += 1;
      }
    }
  }

  function queued(job) {
    job.state = "queued";
    job.row.status("Waiting to start…");
    job.row.actions([button("Cancel", () => cancel(job))]);
  }

  function begin(job) {
    job.state = "running";
    job.row.status("Starting…");
    job.row.actions([button("Pause", () => pause(job)), button("Cancel", () => cancel(job))]);
    job.upload
      .findPreviousUploads()
      .then((previous) => {
        if (job.state !== "running") return;
        const earlier = previous.find((p) => p.uploadUrl);
        if (earlier) {
          job.upload.resumeFromPreviousUpload(earlier);
          dropPending(earlier.urlStorageKey);
        }
        job.upload.start();
      })
      .catch(() => job.upload.start());
  }

  function pause(job) {
    job.upload.abort();
    job.state = "paused";
    job.row.status(`Paused at ${job.row.percent}%. The part already sent is kept.`);
    job.row.actions([button("Resume", () => resume(job)), button("Cancel", () => cancel(job))]);
    pump();
  }

  function resume(job) {
    queued(job);
    pump();
  }

  function cancel(job) {
    const wasRunning = job.state === "running";
    job.state = "cancelled";
    job.upload.abort(true).catch(() => {});
    job.row.fail("Cancelled; nothing from this file was kept.", "cancelled");
    job.row.actions([]);
    if (wasRunning) pump();
  }

  function succeeded(job, response) {
    job.state = "done";
    const item = response && response.getHeader("Evidentia-Item");
    const finish = (id, duplicate) => {
      job.row.done(id, duplicate, itemUrl);
      announce(`${job.name}: stored as evidence.`);
    };
    if (item) {
      finish(item, response.getHeader("Evidentia-Duplicate") === "true");
    } else {
      head(job.upload.url).then((r) =>
        finish(r.headers.get("Evidentia-Item"), r.headers.get("Evidentia-Duplicate") === "true"),
      );
    }
    pump();
  }

  function failed(job, error) {
    if (job.state === "cancelled") return;
    job.state = "failed";
    const response = error && error.originalResponse;
    const status = response ? response.getStatus() : 0;
    const body = response ? (response.getBody() || "").trim() : "";
    let text;
    if (body && !body.startsWith("<")) text = body;
    else if (status) text = `The server refused the upload (HTTP ${status}).`;
    else text = "The connection to the server was lost. Check the network and try again.";
    job.row.fail(text);
    announce(`${job.name}: ${text}`);
    const retryable = !status || status >= 500 || status === 409 || status === 423;
    job.row.actions(retryable ? [button("Try again", () => resume(job))] : []);
    pump();
  }

  function head(url) {
    return fetch(url, {
      method: "HEAD",
      credentials: "same-origin",
      headers: { "Tus-Resumable": "1.0.0" },
    });
  }

  function showPending() {
    storage
      .findAllUploads()
      .then((entries) => entries.forEach(pendingRow))
      .catch(() => {});
  }

  function pendingRow(entry) {
    if (!entry.uploadUrl) return;
    let path;
    try {
      path = new URL(entry.uploadUrl, window.location.href).pathname;
    } catch {
      return;
    }
    if (!path.startsWith(endpoint)) return;
    const name = (entry.metadata && entry.metadata.filename) || "unnamed file";
    const row = new Row(pendingList, name, entry.size);
    row.el.dataset.key = entry.urlStorageKey;
    row.status("Checking…");
    pendingPanel.hidden = false;
    const forget = () => {
      storage.removeUpload(entry.urlStorageKey).catch(() => {});
      dropPending(entry.urlStorageKey);
    };
    head(entry.uploadUrl)
      .then((r) => {
        if (r.status === 404 || r.status === 410) return forget();
        if (!r.ok) return row.status("This upload cannot be checked just now.");
        const item = r.headers.get("Evidentia-Item");
        if (item) {
          storage.removeUpload(entry.urlStorageKey).catch(() => {});
          return row.done(item, r.headers.get("Evidentia-Duplicate") === "true", itemUrl);
        }
        const offset = Number(r.headers.get("Upload-Offset"));
        const length = Number(r.headers.get("Upload-Length"));
        row.progress(offset, length);
        row.status(`${row.percent}% sent. Choose “${name}” again above to continue.`);
        row.actions([
          button("Discard", () => {
            window.tus.Upload.terminate(entry.uploadUrl, { headers: { "X-CSRFToken": csrf } })
              .catch(() => {})
              .finally(forget);
          }),
        ]);
      })
      .catch(() => row.status("This upload cannot be checked just now."));
  }

  function dropPending(key) {
    for (const el of pendingList.querySelectorAll("li")) {
      if (el.dataset.key === key) el.remove();
    }
    pendingPanel.hidden = !pendingList.querySelector("li");
  }
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "secondary";
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

function size(bytes) {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return i === 0 ? `${n} bytes` : `${n.toFixed(1)} ${units[i]}`;
}

class Row {
  constructor(list, name, bytes) {
    this.percent = 0;
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
    this.bar.setAttribute("aria-label", `Upload of ${name}`);
    const foot = document.createElement("div");
    foot.className = "upload-foot";
    this.text = document.createElement("span");
    this.text.className = "upload-status";
    this.buttons = document.createElement("span");
    this.buttons.className = "upload-actions";
    foot.append(this.text, this.buttons);
    this.el.append(top, this.bar, foot);
    list.append(this.el);
  }

  progress(sent, total) {
    this.percent = total ? Math.floor((sent / total) * 100) : 0;
    this.bar.value = this.percent;
    this.text.textContent = `${this.percent}% · ${size(sent)} of ${size(total)}`;
  }

  status(text) {
    this.text.textContent = text;
  }

  actions(buttons) {
    this.buttons.replaceChildren(...buttons);
  }

  done(id, duplicate, itemUrl) {
    this.el.classList.add("done");
    this.bar.value = 100;
    this.percent = 100;
    const link = document.createElement("a");
    link.className = "item-link";
    link.href = itemUrl(id);
    link.textContent = duplicate ? "View the existing item" : "View the item";
    this.text.replaceChildren(
      duplicate ? "Already in the vault; linked to it. " : "Stored as evidence. ",
      link,
    );
    this.actions([]);
  }

  fail(message, kind = "failed") {
    this.el.classList.add(kind);
    this.text.textContent = message;
    this.text.classList.add(kind === "failed" ? "error" : "muted");
  }
}
