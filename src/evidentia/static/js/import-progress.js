/* The CAD and analytics import result pages while an import is queued or running:
   poll the JSON status every two seconds, move the bar, and reload the page once the
   import has finished so the full result is rendered by the server. Without
   JavaScript the page refreshes itself (a <noscript> meta refresh) instead. */
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-import-status]");
  var failures = 0;

  function show(status) {
    if (bar) {
      bar.value = status.percent;
      bar.textContent = status.percent + "%";
    }
    if (text && text.textContent !== status.text) text.textContent = status.text;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        show(status);
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        // A network hiccup is retried; after a few the plain Refresh link remains.
        failures += 1;
        if (failures < 5) window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
