// The evidence player: one transport over <video>, a thumbnail scrub preview, the
// waveform and bookmarks on the timeline, keyboard shortcuts, processing progress,
// and the GPS track on a map whose marker follows the video.
import { csrfToken, fmt, getJSON } from "./common.js";

const root = document.querySelector("[data-player]");
if (root) init(root);

function init(root) {
  const base = root.dataset.base;
  const itemId = root.dataset.item;
  const fps = parseFloat(root.dataset.fps) || 30;
  const video = root.querySelector("video");
  const ui = {
    play: root.querySelector("[data-act=play]"),
    back: root.querySelector("[data-act=frame-back]"),
    fwd: root.querySelector("[data-act=frame-fwd]"),
    mute: root.querySelector("[data-act=mute]"),
    full: root.querySelector("[data-act=fullscreen]"),
    mark: root.querySelector("[data-act=bookmark]"),
    speed: root.querySelector("[data-speed]"),
    seek: root.querySelector("[data-seek]"),
    time: root.querySelector("[data-time]"),
    preview: root.querySelector("[data-preview]"),
    wave: root.querySelector("[data-wave]"),
    marks: root.querySelector("[data-marks]"),
    list: document.querySelector("[data-bookmark-list]"),
    form: document.querySelector("[data-bookmark-form]"),
    status: document.querySelector("[data-player-status]"),
  };
  const say = (text) => { if (ui.status) ui.status.textContent = text; };
  const duration = () => (Number.isFinite(video.duration) ? video.duration : parseFloat(root.dataset.duration) || 0);

  const seekTo = (t) => { video.currentTime = Math.max(0, Math.min(duration(), t)); };
  const step = (frames) => { video.pause(); seekTo(video.currentTime + frames / fps); };
  const togglePlay = () => (video.paused ? video.play() : video.pause());
  const setSpeed = (rate) => { video.playbackRate = rate; ui.speed.value = String(rate); say(`Speed ${rate}×`); };
  const speeds = [...ui.speed.options].map((o) => parseFloat(o.value));
  const nudgeSpeed = (dir) => {
    const i = speeds.indexOf(video.playbackRate);
    setSpeed(speeds[Math.max(0, Math.min(speeds.length - 1, (i < 0 ? speeds.indexOf(1) : i) + dir))]);
  };

  ui.play.addEventListener("click", togglePlay);
  ui.back.addEventListener("click", () => step(-1));
  ui.fwd.addEventListener("click", () => step(1));
  ui.mute.addEventListener("click", () => { video.muted = !video.muted; });
  ui.full.addEventListener("click", () => (document.fullscreenElement ? document.exitFullscreen() : root.requestFullscreen()));
  ui.speed.addEventListener("change", () => setSpeed(parseFloat(ui.speed.value)));
  ui.seek.addEventListener("input", () => seekTo((ui.seek.value / 1000) * duration()));
  video.addEventListener("click", togglePlay);

  const render = () => {
    const d = duration();
    ui.time.textContent = `${fmt(video.currentTime)} / ${fmt(d)}`;
    if (document.activeElement !== ui.seek) ui.seek.value = d ? Math.round((video.currentTime / d) * 1000) : 0;
    ui.seek.setAttribute("aria-valuetext", `${fmt(video.currentTime)} of ${fmt(d)}`);
    ui.play.textContent = video.paused ? "Play" : "Pause";
    ui.play.setAttribute("aria-pressed", String(!video.paused));
    ui.mute.textContent = video.muted ? "Unmute" : "Mute";
    root.dispatchEvent(new CustomEvent("player:time", { detail: video.currentTime }));
  };
  ["timeupdate", "play", "pause", "seeked", "loadedmetadata", "volumechange"].forEach((e) => video.addEventListener(e, render));
  const tick = () => { if (!video.paused) { render(); requestAnimationFrame(tick); } };
  video.addEventListener("play", () => requestAnimationFrame(tick));

  // Keyboard: the usual review-software keys, ignored while typing in a field.
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input:not([type=range]), textarea, select") || e.ctrlKey || e.metaKey || e.altKey) return;
    const keys = {
      " ": togglePlay, k: togglePlay, j: () => seekTo(video.currentTime - 10), l: () => seekTo(video.currentTime + 10),
      ArrowLeft: () => seekTo(video.currentTime - 5), ArrowRight: () => seekTo(video.currentTime + 5),
      ",": () => step(-1), ".": () => step(1), "[": () => nudgeSpeed(-1), "]": () => nudgeSpeed(1),
      m: () => ui.mute.click(), f: () => ui.full.click(), b: () => ui.mark.click(),
      Home: () => seekTo(0), End: () => seekTo(duration()),
    };
    const act = keys[e.key];
    if (act && !(e.target === ui.seek && e.key.startsWith("Arrow"))) { e.preventDefault(); act(); }
  });

  setUpPreview(base, ui, duration);
  drawWaveform(base, ui.wave);
  setUpBookmarks(itemId, ui, video, seekTo, say);
  watchJobs(base, video, say);
}

async function setUpPreview(base, ui, duration) {
  const meta = await getJSON(base + "sprite.json");
  if (!meta) return;
  const tile = { w: meta.tile_width, h: meta.tile_height, cols: meta.columns, every: meta.interval, count: meta.count };
  Object.assign(ui.preview.style, {
    width: `${tile.w}px`, height: `${tile.h}px`, backgroundImage: `url(${base}sprite.jpg)`,
  });
  const show = (e) => {
    const box = ui.seek.getBoundingClientRect();
    const frac = Math.max(0, Math.min(1, (e.clientX - box.left) / box.width));
    const t = frac * duration();
    const i = Math.min(tile.count - 1, Math.floor(t / tile.every));
    ui.preview.style.backgroundPosition = `-${(i % tile.cols) * tile.w}px -${Math.floor(i / tile.cols) * tile.h}px`;
    ui.preview.style.left = `${Math.max(0, Math.min(box.width - tile.w, frac * box.width - tile.w / 2))}px`;
    ui.preview.dataset.time = fmt(t);
    ui.preview.hidden = false;
  };
  ui.seek.addEventListener("mousemove", show);
  ui.seek.addEventListener("mouseleave", () => { ui.preview.hidden = true; });
}

async function drawWaveform(base, canvas) {
  const data = await getJSON(base + "waveform.json");
  const peaks = data && data.peaks;
  if (!peaks || !peaks.length) return;
  const ctx = canvas.getContext("2d");
  canvas.width = canvas.clientWidth * devicePixelRatio;
  canvas.height = canvas.clientHeight * devicePixelRatio;
  ctx.fillStyle = "#7d8da3";
  const w = canvas.width / peaks.length;
  peaks.forEach((p, i) => {
    const h = Math.max(1, p * canvas.height);
    ctx.fillRect(i * w, (canvas.height - h) / 2, Math.max(1, w - 0.5), h);
  });
}

async function setUpBookmarks(itemId, ui, video, seekTo, say) {
  const url = `/api/v1/review/items/${itemId}/bookmarks`;
  const draw = (marks) => {
    ui.marks.replaceChildren();
    ui.list.replaceChildren();
    const d = video.duration || 1;
    for (const m of marks) {
      const tick = document.createElement("button");
      tick.type = "button";
      tick.className = "mark";
      tick.style.left = `${(m.at_seconds / d) * 100}%`;
      tick.title = `${fmt(m.at_seconds)} ${m.label}`;
      tick.setAttribute("aria-label", `Bookmark at ${fmt(m.at_seconds)}: ${m.label}`);
      tick.addEventListener("click", () => seekTo(m.at_seconds));
      ui.marks.append(tick);
      const li = document.createElement("li");
      const go = document.createElement("button");
      go.type = "button";
      go.className = "link";
      go.textContent = fmt(m.at_seconds);
      go.addEventListener("click", () => seekTo(m.at_seconds));
      li.append(go, ` ${m.label} `);
      const who = document.createElement("span");
      who.className = "muted";
      who.textContent = `— ${m.author}`;
      li.append(who);
      ui.list.append(li);
    }
    if (!marks.length) ui.list.innerHTML = '<li class="muted">No bookmarks yet. Press B at a moment worth coming back to.</li>';
  };
  const load = async () => draw((await getJSON(url)) || []);
  video.addEventListener("loadedmetadata", load);
  load();
  ui.mark.addEventListener("click", () => {
    video.pause();
    ui.form.hidden = false;
    ui.form.querySelector("[name=at]").value = fmt(video.currentTime);
    ui.form.querySelector("[name=label]").focus();
  });
  ui.form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const label = ui.form.querySelector("[name=label]").value.trim();
    if (!label) return;
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ at_seconds: video.currentTime, label }),
    });
    if (!response.ok) { say((await response.json().catch(() => ({}))).detail || "The bookmark was not saved."); return; }
    ui.form.reset();
    ui.form.hidden = true;
    say(`Bookmark added at ${fmt(video.currentTime)}.`);
    load();
  });
  ui.form.querySelector("[data-act=cancel]").addEventListener("click", () => { ui.form.hidden = true; });
}

async function watchJobs(base, video, say) {
  const box = document.querySelector("[data-jobs]");
  if (!box) return;
  for (;;) {
    const jobs = await getJSON(base + "jobs.json");
    if (!jobs) return;
    const list = jobs.jobs || jobs;
    box.replaceChildren(...list.map((j) => {
      const li = document.createElement("li");
      li.innerHTML = `<span class="job-kind"></span> <progress max="100"></progress> <span class="job-state"></span>`;
      li.querySelector(".job-kind").textContent = j.kind;
      li.querySelector("progress").value = j.progress;
      li.querySelector(".job-state").textContent = j.error ? `${j.state}: ${j.error}` : `${j.state} ${j.progress}%`;
      return li;
    }));
    const busy = list.some((j) => j.state === "queued" || j.state === "running");
    if (!busy) {
      if (video && video.dataset.waiting && list.some((j) => j.kind === "proxy" && j.state === "done")) {
        video.src = video.dataset.waiting;
        delete video.dataset.waiting;
        say("Playback is ready.");
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}
