// Long threads read like a discussion, not a wall: a thread with more than SHOW_ALL replies shows its
// first reply and its last SHOW_LAST, and a "Show N more replies" button in between. Without script every
// reply shows. A thread holding the comment the address points at (a permalink, a notification, the reply
// just posted) stays open, and following a link to a folded reply unfolds its thread.
(function () {
  "use strict";
  const SHOW_ALL = 5;
  const SHOW_LAST = 2;
  const list = document.querySelector(".comment-thread");
  if (!list) {
    return;
  }

  const threads = [];
  list.querySelectorAll(":scope > li.comment").forEach(function (item) {
    if (item.dataset.depth === "0" || threads.length === 0) {
      threads.push([item]);
    } else {
      threads[threads.length - 1].push(item);
    }
  });

  function targetOf(hash) {
    const id = decodeURIComponent((hash || "").slice(1));
    return id ? document.getElementById(id) : null;
  }

  function fold(thread) {
    const replies = thread.slice(1);
    const folded = replies.slice(1, replies.length - SHOW_LAST);
    const more = document.createElement("li");
    more.className = "thread-more";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button-small button-quiet";
    button.textContent = "Show " + folded.length + " more " + (folded.length === 1 ? "reply" : "replies");
    button.setAttribute("aria-expanded", "false");
    more.appendChild(button);
    folded.forEach(function (item) {
      item.hidden = true;
    });
    list.insertBefore(more, folded[0]);

    function unfold(focusFirst) {
      folded.forEach(function (item) {
        item.hidden = false;
      });
      more.remove();
      if (focusFirst) {
        const link = folded[0].querySelector(".comment-permalink") || folded[0].querySelector("a");
        if (link) {
          link.focus();
        }
      }
    }
    button.addEventListener("click", function () {
      unfold(true);
    });
    return { items: folded, unfold: unfold };
  }

  const target = targetOf(window.location.hash);
  const folds = [];
  threads.forEach(function (thread) {
    if (thread.length - 1 <= SHOW_ALL || (target && thread.indexOf(target) !== -1)) {
      return;
    }
    folds.push(fold(thread));
  });

  function reveal(hash) {
    const element = targetOf(hash);
    if (!element) {
      return;
    }
    folds.forEach(function (folded) {
      if (folded.items.indexOf(element) !== -1 && element.hidden) {
        folded.unfold(false);
        element.scrollIntoView();
      }
    });
  }
  window.addEventListener("hashchange", function () {
    reveal(window.location.hash);
  });
})();
