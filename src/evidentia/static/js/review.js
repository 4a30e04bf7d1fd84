// Review for training: comments pinned to a time, training-clip ranges, and a
// supervisor's feedback threads with the officer. All through /api/v1/review/.
import { csrfToken, fmt, getJSON } from "./common.js";

const panel = document.querySelector("[data-review]");
const player = document.querySelector("[data-player]");
if (panel && player) init(panel, player);

function post(url, body) {
  return fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
}

function item(text, seconds, seek) {
  const li = document.createElement("li");
  if (seconds != null) {
    const go = document.createElement("button");
    go.type = "button";
    go.className = "link";
    go.textContent = fmt(seconds);
    go.addEventListener("click", () => seek(seconds));
    li.append(go, " ");
  }
  li.append(text);
  return li;
}

function init(panel, player) {
  const api = `/api/v1/review/items/${panel.dataset.item}/`;
  const video = player.querySelector("video");
  const marks = player.querySelector("[data-marks]");
  const status = panel.querySelector("[data-review-status]");
  const seek = (t) => { video.currentTime = t; };
  const say = (t) => { status.textContent = t; };
  const failed = async (r) => say((await r.json().catch(() => ({}))).detail || "That was not saved.");
  const layer = (cls) => { marks.querySelectorAll(`.${cls}`).forEach((n) => n.remove()); };

  async function comments() {
    const list = (await getJSON(api + "comments")) || [];
    const ul = panel.querySelector("[data-comments]");
    ul.replaceChildren(...list.map((c) => item(`${c.text} — ${c.author}`, c.at_seconds, seek)));
    if (!list.length) ul.innerHTML = '<li class="muted">No comments yet.</li>';
    layer("comment-mark");
    const d = video.duration || 1;
    for (const c of list.filter((c) => c.at_seconds != null)) {
      const tick = document.createElement("button");
      tick.type = "button";
      tick.className = "mark comment-mark";
      tick.style.left = `${(c.at_seconds / d) * 100}%`;
      tick.setAttribute("aria-label", `Comment at ${fmt(c.at_seconds)}: ${c.text}`);
      tick.title = c.text;
      tick.addEventListener("click", () => seek(c.at_seconds));
      marks.append(tick);
    }
  }

  async function training() {
    const list = (await getJSON(api + "training")) || [];
    const ul = panel.querySelector("[data-training]");
    ul.replaceChildren(...list.map((m) => item(`to ${fmt(m.end_seconds)} · ${m.note || "no note"} — ${m.author}`, m.start_seconds, seek)));
    if (!list.length) ul.innerHTML = '<li class="muted">No training clips marked.</li>';
    layer("training-band");
    const d = video.duration || 1;
    for (const m of list) {
      const band = document.createElement("span");
      band.className = "training-band";
      band.style.left = `${(m.start_seconds / d) * 100}%`;
      band.style.width = `${((m.end_seconds - m.start_seconds) / d) * 100}%`;
      band.title = `Training clip: ${m.note}`;
      marks.append(band);
    }
  }

  async function threads() {
    const list = (await getJSON(api + "feedback")) || [];
    const box = panel.querySelector("[data-threads]");
    box.replaceChildren(...list.map((t) => {
      const wrap = document.createElement("div");
      wrap.className = "thread";
      const h = document.createElement("h4");
      h.textContent = `${t.subject} (with ${t.officer})`;
      const ul = document.createElement("ul");
      ul.className = "bookmarks";
      ul.replaceChildren(...t.messages.map((m) => item(`${m.text} — ${m.author}`, m.at_seconds, seek)));
      const form = document.createElement("form");
      form.innerHTML = '<label>Reply <textarea name="text" rows="2" maxlength="2000" required></textarea></label><p><button type="submit" class="secondary">Reply</button></p>';
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        const r = await post(`${api}feedback/${t.id}/messages`, { text: form.elements.text.value });
        if (!r.ok) return failed(r);
        say("Reply sent.");
        threads();
      });
      wrap.append(h, ul, form);
      return wrap;
    }));
    if (!list.length) box.innerHTML = '<p class="muted">No feedback on this recording.</p>';
  }

  const commentForm = panel.querySelector("[data-comment-form]");
  commentForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const at = commentForm.elements.pin.checked ? video.currentTime : null;
    const r = await post(api + "comments", { text: commentForm.elements.text.value, at_seconds: at });
    if (!r.ok) return failed(r);
    commentForm.reset();
    commentForm.elements.pin.checked = true;
    say("Comment added.");
    comments();
  });

  const trainingForm = panel.querySelector("[data-training-form]");
  if (trainingForm) {
    let start = null;
    let end = null;
    const show = () => { trainingForm.querySelector("[data-range]").textContent = `${start == null ? "—" : fmt(start)} to ${end == null ? "—" : fmt(end)}`; };
    trainingForm.querySelector("[data-act=mark-in]").addEventListener("click", () => { start = video.currentTime; show(); });
    trainingForm.querySelector("[data-act=mark-out]").addEventListener("click", () => { end = video.currentTime; show(); });
    trainingForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (start == null || end == null || end <= start) return say("Mark in, then mark out at a later time.");
      const r = await post(api + "training", { start_seconds: start, end_seconds: end, note: trainingForm.elements.note.value });
      if (!r.ok) return failed(r);
      start = end = null;
      show();
      trainingForm.reset();
      say("Training clip saved.");
      training();
    });
  }

  const threadForm = panel.querySelector("[data-thread-form]");
  if (threadForm) {
    threadForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      const r = await post(api + "feedback", { subject: threadForm.elements.subject.value, text: threadForm.elements.text.value, at_seconds: video.currentTime });
      if (!r.ok) return failed(r);
      threadForm.reset();
      say("Feedback started; the officer can reply here.");
      threads();
    });
  }

  video.addEventListener("loadedmetadata", () => { comments(); training(); });
  comments();
  training();
  threads();
}
