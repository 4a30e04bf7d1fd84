// Files added on a resident's tracking page or a witness's invite page: each file is
// sent over tus as soon as it is chosen, with the page's Upload-Grant, and shows its
// progress. On an invite page what arrived is also kept in this tab's sessionStorage
// and listed under "Received from this browser".
import { Row, errorText, problemWith, sendFile } from "./portal-common.js";

const root = document.querySelector("[data-uploader]");
if (root && window.tus && window.tus.isSupported) init(root);

function init(root) {
  const input = root.querySelector("input[type=file]");
  const list = root.querySelector("[data-file-list]");
  const maxBytes = Number(root.dataset.maxBytes);
  let room = Number(root.dataset.maxFiles);
  const key = root.dataset.arrivedKey;
  const arrived = document.querySelector("[data-arrived]");
  const empty = document.querySelector("[data-arrived-empty]");
  for (const el of document.querySelectorAll("[data-js-only]")) el.hidden = false;
  const plainSubmit = document.querySelector("[data-no-js-submit]");
  if (plainSubmit) plainSubmit.hidden = true;
  if (key) for (const name of remembered(key)) listArrived(name);
  let queue = Promise.resolve();

  input.addEventListener("change", () => {
    const files = Array.from(input.files);
    input.value = ""; // taken over here: the plain form must not send them again
    for (const file of files) {
      const row = new Row(list, file.name, file.size);
      const problem = problemWith(file, maxBytes, root.dataset.accept);
      if (problem) {
        row.fail(problem);
        continue;
      }
      if (room <= 0) {
        row.fail("No more files can be sent here.");
        continue;
      }
      room -= 1;
      row.status("Waiting…");
      queue = queue.then(() => send(file, row));
    }
  });

  async function send(file, row) {
    try {
      await sendFile(file, {
        endpoint: root.dataset.endpoint,
        grant: root.dataset.grant,
        scope: root.dataset.scope,
        onProgress: (sent, total) => row.progress(sent, total),
      });
      row.done("Received. Thank you.");
      if (key) {
        remember(key, file.name);
        listArrived(file.name);
      }
    } catch (error) {
      room += 1;
      row.fail(errorText(error));
    }
  }

  function listArrived(name) {
    if (!arrived) return;
    const li = document.createElement("li");
    const span = document.createElement("span");
    span.className = "file-name";
    span.textContent = name;
    const tag = document.createElement("span");
    tag.className = "tag ok";
    tag.textContent = "received";
    li.append(span, " ", tag);
    arrived.append(li);
    if (empty) empty.hidden = true;
  }
}

function remembered(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key) || "[]");
  } catch {
    return [];
  }
}

function remember(key, name) {
  try {
    sessionStorage.setItem(key, JSON.stringify([...remembered(key), name].slice(-100)));
  } catch {
    // private mode without storage: the list on the page is enough
  }
}
