/* The share players while a watermarked copy is being made (decision 0030): poll each
   item's JSON status every two seconds, move its bar, and put the video player in its
   place once the copy is ready, without reloading (another video may be playing). A
   failure, or a refusal (the share was revoked: 410), reloads the page so the server
   shows why. Without JavaScript the page refreshes itself (a <noscript> meta refresh). */
(function () {
  "use strict";

  function follow(box) {
    var url = box.getAttribute("data-status-url");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-copy-status]");
    var failures = 0;

    function show(status) {
      if (bar) {
        bar.value = status.percent;
        bar.textContent = status.percent + "%";
      }
      if (text && text.textContent !== status.text) text.textContent = status.text;
    }

    function play() {
      var video = document.createElement("video");
      video.controls = true;
      video.preload = "metadata";
      video.width = 640;
      video.src = box.getAttribute("data-stream-url");
      video.setAttribute("data-item", box.getAttribute("data-item"));
      box.parentNode.insertBefore(video, box);
      // Keep the live line (it now says the copy is ready); drop the bar and the hints.
      Array.prototype.forEach.call(box.children, function (child) {
        if (child !== text) child.hidden = true;
      });
      box.removeAttribute("data-copy-progress");
      box.setAttribute("data-copy-ready", "");
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            window.location.reload();
            return null;
          }
          return response.json();
        })
        .then(function (status) {
          if (status === null) return;
          failures = 0;
          show(status);
          if (status.ready) play();
          else if (status.failed) window.location.reload();
          else window.setTimeout(poll, 2000);
        })
        .catch(function () {
          // A network hiccup is retried; after a few the Refresh link remains.
          failures += 1;
          if (failures < 5) window.setTimeout(poll, 5000);
        });
    }

    window.setTimeout(poll, 1000);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-copy-progress]"), follow);
})();
