// "Copy as Markdown": fetches the agenda's Markdown (the same as the download) and puts it on the
// clipboard. Without script, or without clipboard access, the download link is there instead.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-markdown]").forEach(function (button) {
    if (!navigator.clipboard || !window.fetch) {
      return;
    }
    var status = button.parentElement.querySelector(".copy-status");
    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      say("Copying…");
      var text = fetch(button.getAttribute("data-copy-markdown"), { credentials: "same-origin" }).then(
        function (response) {
          if (!response.ok) {
            throw new Error(response.statusText);
          }
          return response.text();
        }
      );
      // Handing the clipboard a promise keeps the click's permission while the text downloads.
      var copied = window.ClipboardItem
        ? navigator.clipboard.write([
            new ClipboardItem({
              "text/plain": text.then(function (markdown) {
                return new Blob([markdown], { type: "text/plain" });
              }),
            }),
          ])
        : text.then(function (markdown) {
            return navigator.clipboard.writeText(markdown);
          });
      copied
        .then(function () {
          say("Copied: paste it into your notes.");
        })
        .catch(function () {
          say("Could not copy: use the download instead.");
        });
    });
  });
})();
