// The redaction studio: preview and scrub frames, include/exclude tracks, draw manual
// boxes, audio ranges, and the review/approval/render buttons. Everything goes through
// the JSON API at /api/v1/redaction/; refusals show the API's own `detail` message.
import { csrfToken, fmt, getJSON } from "./common.js";

async function send(method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const detail = data && data.detail;
    const message = Array.isArray(detail) ? detail.map((d) => d.msg).join("; ") : detail;
    throw new Error(message || `The server refused the change (HTTP ${response.status}).`);
  }
  return data;
}

function newPlanPage(root) {
  const error = root.querySelector("[data-error]");
  const button = root.querySelector("[data-act=detect]");
  button.addEventListener("click", async () => {
    error.textContent = "";
    const kinds = [...root.querySelectorAll("input[name=kind]:checked")].map((b) => b.value);
    if (!kinds.length) {
      error.textContent = "Choose at least one thing to detect.";
      return;
    }
    button.disabled = true;
    try {
      const plan = await send("POST", root.dataset.api, { kinds });
      window.location.href = root.dataset.studio.replace("00000000-0000-0000-0000-000000000000", plan.id);
    } catch (exc) {
      error.textContent = exc.message;
      button.disabled = false;
    }
  });
}

const BUSY = new Set(["detecting", "rendering", "draft"]);
const STATE_LABELS = {
  draft: "Draft", detecting: "Detecting", ready: "Ready for review", requested: "Approval requested",
  approved: "Approved", rendering: "Rendering", rendered: "Rendered", failed: "Failed", rejected: "Rejected",
};

function studio(root) {
  const api = root.dataset.api;
  const pages = root.dataset.pages;
  const me = root.dataset.user;
  const canApprove = root.dataset.canApprove === "1";
  const $ = (sel) => root.querySelector(sel);
  const img = $("[data-frame]");
  const slider = $("[data-slider]");
  const stage = $("[data-stage]");
  const drawbox = $("[data-drawbox]");
  const error = $("[data-error]");
  const announce = $("[data-announce]");
  let plan = null;
  let frame = 0;
  let polling = null;

  const say = (text) => { announce.textContent = text; };
  const fail = (exc) => { error.textContent = exc.message || String(exc); };
  const fps = () => (plan && plan.source && plan.source.fps) || Number(root.dataset.fps) || 30;
  const frames = () => (plan && plan.source && plan.source.frames) || 1;

  function showFrame(n) {
    if (!plan || !plan.source) return;
    frame = Math.max(0, Math.min(frames() - 1, n));
    slider.value = String(frame);
    $("[data-frame-label]").textContent = String(frame);
    $("[data-frame-time]").textContent = `(${fmt(frame / fps())})`;
    img.src = `${api}/frame/${frame}.jpg?v=${encodeURIComponent(plan.plan_sha256)}`;
    img.alt = `Frame ${frame} with redaction boxes drawn over it`;
    img.dataset.frame = String(frame);
    root.querySelectorAll("[data-tracks] .cursor").forEach((c) => {
      c.style.left = `${(100 * frame) / Math.max(1, frames() - 1)}%`;
    });
  }

  function renderTracks() {
    const list = $("[data-tracks]");
    list.replaceChildren();
    const total = Math.max(1, frames() - 1);
    if (!plan.tracks.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = plan.source ? "No tracks: nothing was detected. Draw a box to add one." : "Detection has not finished.";
      list.append(li);
    }
    for (const t of plan.tracks) {
      const li = document.createElement("li");
      li.dataset.track = t.id;
      li.classList.toggle("excluded", !t.included);
      const label = document.createElement("label");
      label.className = "inline";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = t.included;
      box.dataset.trackToggle = t.id;
      box.addEventListener("change", async () => {
        error.textContent = "";
        box.disabled = true;
        try {
          setPlan(await send("PATCH", `${api}/tracks/${encodeURIComponent(t.id)}`, { included: box.checked }));
          say(`${t.id} ${box.checked ? "included" : "excluded"}.`);
        } catch (exc) {
          box.checked = !box.checked;
          fail(exc);
        } finally {
          box.disabled = false;
        }
      });
      const name = document.createElement("span");
      name.textContent = ` ${t.id} `;
      const src = document.createElement("span");
      src.className = "src";
      src.textContent = `${t.source}${t.decided_by ? ` · ${t.decided_by}` : ""}`;
      label.append(box, name, src);
      const wrap = document.createElement("div");
      wrap.className = "bar-wrap";
      wrap.title = `${t.id}: frames ${t.first_frame}–${t.last_frame}`;
      wrap.setAttribute("role", "img");
      wrap.setAttribute("aria-label", `${t.id} from frame ${t.first_frame} to ${t.last_frame}`);
      if (t.first_frame !== null) {
        const bar = document.createElement("div");
        bar.className = "bar";
        bar.style.left = `${(100 * t.first_frame) / total}%`;
        bar.style.width = `${Math.max(0.5, (100 * (t.last_frame - t.first_frame)) / total)}%`;
        wrap.append(bar);
        wrap.addEventListener("click", () => showFrame(t.first_frame));
      }
      const cursor = document.createElement("div");
      cursor.className = "cursor";
      cursor.style.left = `${(100 * frame) / total}%`;
      wrap.append(cursor);
      li.append(label, wrap);
      list.append(li);
    }
  }

  function renderAudio() {
    const list = $("[data-audio-list]");
    list.replaceChildren();
    plan.audio.forEach((r, i) => {
      const li = document.createElement("li");
      li.dataset.audioRange = String(i);
      const text = document.createElement("span");
      text.textContent = `${r.mode === "bleep" ? "Bleep" : "Mute"} ${r.start_s.toFixed(1)} s – ${r.end_s.toFixed(1)} s`;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", `Remove ${text.textContent}`);
      remove.addEventListener("click", () => putAudio(plan.audio.filter((_, j) => j !== i)));
      li.append(text, remove);
      list.append(li);
    });
  }

  async function putAudio(ranges) {
    error.textContent = "";
    try {
      setPlan(await send("PUT", `${api}/audio`, { ranges }));
      say("Audio ranges saved.");
    } catch (exc) {
      fail(exc);
    }
  }

  function renderState() {
    const s = plan.state;
    $("[data-state]").textContent = STATE_LABELS[s] || s;
    $("[data-state]").dataset.value = s;
    root.dataset.state = s;
    const who = [];
    if (plan.requested_by) who.push(`approval asked for by ${plan.requested_by}`);
    if (plan.approved_by) who.push(`approved by ${plan.approved_by}`);
    if (plan.review_note) who.push(`note: ${plan.review_note}`);
    $("[data-who]").textContent = who.join(" · ");
    const busy = BUSY.has(s);
    $("[data-progress-wrap]").hidden = !busy;
    $("[data-progress]").value = plan.progress;
    $("[data-progress-text]").textContent = `${plan.progress}%`;
    if (plan.error) error.textContent = plan.error;
    const reviewer = s === "requested" && canApprove && plan.requested_by !== me;
    $("[data-act=request-approval]").hidden = !(s === "ready" || s === "rejected");
    $("[data-act=approve]").hidden = !reviewer;
    $("[data-act=reject]").hidden = !reviewer;
    $("[data-reject-wrap]").hidden = !reviewer;
    $("[data-act=render]").hidden = s !== "approved";
    $("[data-act=retry]").hidden = s !== "failed";
    const version = plan.versions[plan.versions.length - 1];
    const output = $("[data-output]");
    output.hidden = !version;
    if (version) {
      const stream = `${pages}versions/${version.id}/stream`;
      const video = $("[data-redacted]");
      if (video.dataset.version !== String(version.id)) {
        video.dataset.version = String(version.id);
        video.src = stream;
      }
      $("[data-stream-link]").href = stream;
      $("[data-pdf-link]").href = `${pages}versions/${version.id}/review-log.pdf`;
      $("[data-version-sha]").textContent = version.sha256;
    }
  }

  function setPlan(data) {
    const first = !plan || (!plan.source && data.source);
    plan = data;
    slider.max = String(Math.max(0, frames() - 1));
    renderState();
    renderTracks();
    renderAudio();
    if (first) showFrame(frame);
    else if (plan.source) showFrame(frame);
    if (BUSY.has(plan.state)) startPolling();
  }

  function startPolling() {
    if (polling) return;
    polling = setInterval(async () => {
      const status = await getJSON(`${api}/status`);
      if (!status) return;
      $("[data-progress]").value = status.progress;
      $("[data-progress-text]").textContent = `${status.progress}%`;
      if (!BUSY.has(status.state)) {
        clearInterval(polling);
        polling = null;
        const fresh = await getJSON(api);
        if (fresh) setPlan(fresh);
        say(`The plan is now ${STATE_LABELS[status.state] || status.state}.`);
      }
    }, 1000);
  }

  async function action(name, body) {
    error.textContent = "";
    const button = $(`[data-act=${name}]`);
    button.disabled = true;
    try {
      setPlan(await send("POST", `${api}/${name}`, body));
      say(`Done: ${button.textContent}.`);
    } catch (exc) {
      fail(exc);
    } finally {
      button.disabled = false;
    }
  }
  for (const name of ["request-approval", "approve", "render", "retry"]) {
    $(`[data-act=${name}]`).addEventListener("click", () => action(name));
  }
  $("[data-act=reject]").addEventListener("click", () =>
    action("reject", { reason: $("[data-reject-reason]").value }),
  );

  slider.addEventListener("input", () => showFrame(Number(slider.value)));
  document.addEventListener("keydown", (event) => {
    const tag = (event.target.tagName || "").toLowerCase();
    if ((tag === "input" && event.target !== slider) || tag === "select" || tag === "textarea") return;
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    event.preventDefault();
    const step = (event.shiftKey ? 10 : 1) * (event.key === "ArrowLeft" ? -1 : 1);
    showFrame(frame + step);
  });

  // Drawing a box: drag on the picture; coordinates are scaled to source pixels.
  let start = null;
  const point = (event) => {
    const r = img.getBoundingClientRect();
    return { x: Math.max(0, Math.min(r.width, event.clientX - r.left)), y: Math.max(0, Math.min(r.height, event.clientY - r.top)) };
  };
  stage.addEventListener("pointerdown", (event) => {
    if (!$("[data-draw-mode]").checked || !plan || !plan.source) return;
    event.preventDefault();
    start = point(event);
    stage.setPointerCapture(event.pointerId);
    Object.assign(drawbox.style, { left: `${start.x}px`, top: `${start.y}px`, width: "0px", height: "0px" });
    drawbox.hidden = false;
  });
  stage.addEventListener("pointermove", (event) => {
    if (!start) return;
    const p = point(event);
    Object.assign(drawbox.style, {
      left: `${Math.min(start.x, p.x)}px`, top: `${Math.min(start.y, p.y)}px`,
      width: `${Math.abs(p.x - start.x)}px`, height: `${Math.abs(p.y - start.y)}px`,
    });
  });
  stage.addEventListener("pointerup", async (event) => {
    if (!start) return;
    const p = point(event);
    const a = start;
    start = null;
    drawbox.hidden = true;
    const r = img.getBoundingClientRect();
    const sx = plan.source.width / r.width;
    const sy = plan.source.height / r.height;
    const box = [Math.min(a.x, p.x) * sx, Math.min(a.y, p.y) * sy, Math.max(a.x, p.x) * sx, Math.max(a.y, p.y) * sy]
      .map((v) => Math.round(v * 10) / 10);
    if (box[2] - box[0] < 4 || box[3] - box[1] < 4) return; // a click, not a box
    error.textContent = "";
    say("Following the drawn box through the recording…");
    try {
      const track = await send("POST", `${api}/manual`, { frame, box, label: "face" });
      const fresh = await getJSON(api);
      if (fresh) setPlan(fresh);
      say(`Added ${track.id}, frames ${track.first_frame} to ${track.last_frame}.`);
    } catch (exc) {
      fail(exc);
    }
  });

  $("[data-audio-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const startS = Number(form.start_s.value);
    const endS = Number(form.end_s.value);
    if (!(endS > startS)) {
      error.textContent = "The end of an audio range must come after its start.";
      return;
    }
    putAudio([...plan.audio, { start_s: startS, end_s: endS, mode: form.mode.value }]);
    form.reset();
  });

  getJSON(api).then((data) => {
    if (data) setPlan(data);
    else error.textContent = "The plan could not be loaded.";
  });
}

const newPlan = document.querySelector("[data-new-plan]");
if (newPlan) newPlanPage(newPlan);
const page = document.querySelector("[data-studio-page]");
if (page) studio(page);
