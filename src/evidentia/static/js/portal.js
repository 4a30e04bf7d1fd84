// The public report form, improved when scripts run: only the chosen category's extra
// questions, a map pin and "Use my location", the time read in the browser's zone, and
// files sent resumably over tus after the report is filed. Without this script the
// form still works as a plain multipart POST.
import { Row, baseMap, errorText, problemWith, readConfig, sendFile, size } from "./portal-common.js";

const form = document.querySelector("[data-report-form]");
if (form) init(form);

function init(form) {
  for (const el of form.querySelectorAll("[data-js-only]")) el.hidden = false;
  questions(form);
  pinMap(form);
  fileList(form);
  const canUpload = window.tus && window.tus.isSupported && window.fetch;
  form.addEventListener("submit", (event) => {
    setOffset(form);
    if (!canUpload) return; // the plain POST carries the files
    event.preventDefault();
    submit(form);
  });
}

// ------------------------------------------------------------------ categories

function questions(form) {
  const sets = form.querySelectorAll("fieldset[data-for]");
  const update = () => {
    const chosen = form.querySelector("input[name=service_code]:checked");
    for (const set of sets) {
      const show = Boolean(chosen) && set.dataset.for === chosen.value;
      set.hidden = !show;
      set.disabled = !show; // hidden answers are not sent
    }
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "service_code") update();
  });
  update();
}

// ------------------------------------------------------------------ the map pin

function pinMap(form) {
  const box = form.querySelector("[data-pin-map]");
  const status = form.querySelector("[data-pin-status]");
  const lat = form.querySelector("[data-lat]");
  const lon = form.querySelector("[data-lon]");
  const locate = form.querySelector("[data-locate]");
  const clear = form.querySelector("[data-clear-pin]");
  const map = baseMap(box, readConfig(), status);
  let marker = null;

  const place = (latlng, how) => {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (map) {
      if (!marker) {
        marker = window.L.marker(latlng, { draggable: true, keyboard: true, title: "Your pin" }).addTo(map);
        marker.on("dragend", () => place(marker.getLatLng(), "moved"));
      } else {
        marker.setLatLng(latlng);
      }
    }
    clear.hidden = false;
    status.textContent = `Pin ${how} at ${latlng.lat.toFixed(5)}, ${latlng.lng.toFixed(5)}. Tap the map or drag the pin to move it.`;
  };

  if (map) {
    map.on("click", (event) => place(event.latlng, "dropped"));
    const centre = document.createElement("button");
    centre.type = "button";
    centre.className = "secondary";
    centre.textContent = "Pin the middle of the map";
    centre.addEventListener("click", () => place(map.getCenter(), "dropped"));
    locate.after(centre);
  }
  if (lat.value && lon.value && Number.isFinite(Number(lat.value))) {
    const at = { lat: Number(lat.value), lng: Number(lon.value) };
    place(at, "kept");
    if (map) map.setView(at, 16);
  }
  clear.addEventListener("click", () => {
    lat.value = "";
    lon.value = "";
    if (marker) marker.remove();
    marker = null;
    clear.hidden = true;
    status.textContent = "Pin removed.";
  });
  if (!navigator.geolocation) {
    locate.hidden = true;
    return;
  }
  locate.addEventListener("click", () => {
    status.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const at = { lat: pos.coords.latitude, lng: pos.coords.longitude };
        place(at, "set to your location");
        if (map) map.setView(at, 17);
      },
      (err) => {
        status.textContent =
          err.code === 1
            ? "Location is turned off for this page. Tap the map or type an address instead."
            : "Your location could not be found. Tap the map or type an address instead.";
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
}

// ------------------------------------------------------------------ time and files

function setOffset(form) {
  const input = form.querySelector("[name=occurred_at]");
  const offset = form.querySelector("[data-offset]");
  const when = input.value ? new Date(input.value) : null; // read as local time
  offset.value = when && !Number.isNaN(when.getTime()) ? String(when.getTimezoneOffset()) : "";
}

function fileProblems(form) {
  const input = form.querySelector("input[type=file]");
  const max = Number(form.dataset.maxBytes);
  const files = Array.from(input.files);
  const problems = files
    .map((f) => [f, problemWith(f, max, form.dataset.accept)])
    .filter(([, p]) => p)
    .map(([f, p]) => `${f.name}: ${p}`);
  if (files.length > Number(form.dataset.maxFiles)) {
    problems.push(`Choose at most ${form.dataset.maxFiles} files.`);
  }
  return problems;
}

function fileList(form) {
  const input = form.querySelector("input[type=file]");
  const list = form.querySelector("[data-file-list]");
  input.addEventListener("change", () => {
    list.replaceChildren();
    for (const file of input.files) {
      const row = new Row(list, file.name, file.size);
      row.bar.hidden = true;
      const problem = problemWith(file, Number(form.dataset.maxBytes), form.dataset.accept);
      if (problem) row.fail(problem);
      else row.status("Ready to send with your report.");
    }
    const problems = fileProblems(form);
    showErrors(form, problems.length ? { files: problems.join(" ") } : {}, false);
  });
}

// ------------------------------------------------------------------ errors

function clearErrors(form) {
  for (const el of form.querySelectorAll(".field-error")) el.remove();
  for (const el of form.querySelectorAll(".invalid")) el.classList.remove("invalid");
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const summary = document.getElementById("error-summary");
  if (summary) summary.remove();
}

function fieldFor(form, key) {
  for (const el of form.querySelectorAll("[data-field]")) {
    if (el.dataset.field === key && !el.closest("[hidden]")) return el;
  }
  return null;
}

function showErrors(form, errors, summarise = true) {
  clearErrors(form);
  const keys = Object.keys(errors);
  if (!keys.length) return;
  for (const key of keys) {
    const box = fieldFor(form, key);
    if (!box) continue;
    const id = `err-js-${key.replace(/[^a-z0-9_-]/gi, "-")}`;
    const p = document.createElement("p");
    p.className = "field-error";
    p.id = id;
    p.dataset.jsError = "";
    p.textContent = errors[key];
    const legend = box.querySelector("legend");
    const label = box.querySelector("label");
    if (box.tagName === "FIELDSET" && legend) legend.after(p);
    else if (label) label.after(p);
    else box.prepend(p);
    for (const input of box.querySelectorAll("input:not([type=hidden]), textarea, select")) {
      input.setAttribute("aria-invalid", "true");
      const described = (input.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && !x.startsWith("err-"));
      input.setAttribute("aria-describedby", [...described, id].join(" "));
    }
  }
  if (!summarise) return;
  const summary = document.createElement("div");
  summary.className = "error-summary";
  summary.id = "error-summary";
  summary.tabIndex = -1;
  summary.setAttribute("role", "alert");
  const h = document.createElement("h2");
  h.textContent = `Please check ${keys.length} thing${keys.length === 1 ? "" : "s"}`;
  const ul = document.createElement("ul");
  for (const key of keys) {
    const li = document.createElement("li");
    li.textContent = errors[key];
    ul.append(li);
  }
  summary.append(h, ul);
  form.before(summary);
  summary.focus();
}

// ------------------------------------------------------------------ sending

async function submit(form) {
  const problems = fileProblems(form);
  if (problems.length) {
    showErrors(form, { files: problems.join(" ") });
    return;
  }
  const button = form.querySelector("[data-submit]");
  const announce = form.querySelector("[data-announce]");
  button.disabled = true;
  announce.textContent = "Sending your report…";
  const body = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (typeof value === "string") body.append(name, value);
  }
  let response;
  let answer = {};
  try {
    response = await fetch(window.location.pathname, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value,
      },
    });
    answer = await response.json().catch(() => ({}));
  } catch {
    button.disabled = false;
    showErrors(form, { send: "The report could not be sent: check your connection and try again." });
    return;
  }
  if (response.status === 400 && answer.errors) {
    button.disabled = false;
    showErrors(form, answer.errors);
    return;
  }
  if (response.status !== 201) {
    button.disabled = false;
    const text = answer.detail || `The report could not be sent (HTTP ${response.status}). Please try again.`;
    showErrors(form, { send: text });
    return;
  }
  await filed(form, answer);
}

async function filed(form, answer) {
  const files = Array.from(form.querySelector("input[type=file]").files);
  const next = `${answer.track_url}?new=1`;
  if (!files.length) {
    window.location.assign(next);
    return;
  }
  const panel = form.querySelector("[data-progress]");
  const code = form.querySelector("[data-progress-code]");
  const list = form.querySelector("[data-progress-list]");
  const title = form.querySelector("[data-progress-title]");
  for (const card of form.querySelectorAll(".card, .send")) {
    if (card !== panel) card.hidden = true;
  }
  panel.hidden = false;
  title.textContent = "Report received. Sending your files…";
  code.hidden = false;
  code.textContent = `Your tracking code is ${answer.code}. Keep it private.`;
  panel.focus();
  let failed = 0;
  for (const file of files) {
    const row = new Row(list, file.name, file.size);
    try {
      await sendFile(file, {
        endpoint: answer.upload_endpoint,
        grant: answer.upload_grant,
        scope: answer.upload_scope,
        onProgress: (sent, total) => row.progress(sent, total),
      });
      row.done("Received.");
    } catch (error) {
      failed += 1;
      row.fail(errorText(error));
    }
  }
  if (!failed) {
    window.location.assign(next);
    return;
  }
  title.textContent = `Report received; ${failed} file${failed === 1 ? "" : "s"} could not be sent`;
  const done = form.querySelector("[data-progress-done]");
  const link = form.querySelector("[data-progress-link]");
  link.href = next;
  done.hidden = false;
  const more = document.createElement("p");
  more.textContent = `You can add ${failed === 1 ? "it" : "them"} from your report's page. Files up to ${size(Number(form.dataset.maxBytes))} each.`;
  done.before(more);
}
