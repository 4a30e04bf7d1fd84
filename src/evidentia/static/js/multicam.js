// One transport for several recordings: a shared clock, each video offset by the
// difference between its recorded start and the earliest one.
import { fmt } from "./common.js";

const root = document.querySelector("[data-multicam]");
if (root) init(root);

function init(root) {
  const cams = [...root.querySelectorAll("[data-cam]")].map((fig) => ({
    fig, video: fig.querySelector("video"), off: fig.querySelector("[data-off]"), offset: parseFloat(fig.dataset.offset) || 0,
  }));
  const total = parseFloat(root.dataset.total) || 0;
  const seek = root.querySelector("[data-seek]");
  const play = root.querySelector("[data-act=play]");
  const time = root.querySelector("[data-time]");
  const speed = root.querySelector("[data-speed]");
  let clock = 0;
  let playing = false;
  let last = 0;

  const place = (resync) => {
    for (const cam of cams) {
      const local = clock - cam.offset;
      const inside = local >= 0 && (!Number.isFinite(cam.video.duration) || local <= cam.video.duration);
      cam.off.hidden = inside;
      if (!inside) { cam.video.pause(); continue; }
      if (resync || Math.abs(cam.video.currentTime - local) > 0.25) cam.video.currentTime = local;
      if (playing && cam.video.paused) cam.video.play().catch(() => {});
      if (!playing && !cam.video.paused) cam.video.pause();
    }
    time.textContent = `${fmt(clock)} / ${fmt(total)}`;
    if (document.activeElement !== seek) seek.value = total ? Math.round((clock / total) * 1000) : 0;
    play.textContent = playing ? "Pause" : "Play";
    play.setAttribute("aria-pressed", String(playing));
  };
  const frame = (now) => {
    if (!playing) return;
    clock = Math.min(total, clock + ((now - last) / 1000) * parseFloat(speed.value));
    last = now;
    if (clock >= total) playing = false;
    place(false);
    requestAnimationFrame(frame);
  };
  play.addEventListener("click", () => {
    playing = !playing;
    if (playing) { if (clock >= total) clock = 0; last = performance.now(); requestAnimationFrame(frame); }
    place(true);
  });
  seek.addEventListener("input", () => { clock = (seek.value / 1000) * total; place(true); });
  speed.addEventListener("change", () => cams.forEach((c) => { c.video.playbackRate = parseFloat(speed.value); }));
  root.querySelectorAll("input[name=audio]").forEach((radio) => radio.addEventListener("change", () => {
    cams.forEach((c, i) => { c.video.muted = String(i) !== radio.value; });
  }));
  cams.forEach((c, i) => { c.video.muted = i !== 0; c.video.addEventListener("loadedmetadata", () => place(false)); });
  root.addEventListener("keydown", (e) => { if (e.key === " " && e.target === root) { e.preventDefault(); play.click(); } });
  place(true);
}
