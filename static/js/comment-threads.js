// Long threads read like a discussion, not a wall: a thread with more than SHOW_ALL replies shows its
// first reply and its last SHOW_LAST, and a "Show N more replies" button in between. Without script every
// reply shows. A thread stays open when it holds the comment the address points at (a permalink, a
// notification, the reply just posted, or the comment a ?reply= link answers), and following a link to a
// folded reply unfolds its thread.
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

  // The comment holding what the address points at, if any.
  function commentAt(hash) {
    let id = "";
    try {
      id = decodeURIComponent((hash || "").slice(1));
    } catch (error) {
      return null;
    }
    const element = id ? document.getElementById(id) : null;
    return element ? element.closest("li.comment") : null;
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
    more.appendChild(button);
    folded.forEach(function (item) {
      item.hidden = true;
    });
    list.insertBefore(more, folded[0]);

    function unfold(moveFocus) {
      folded.forEach(function (item) {
        item.hidden = false;
      });
      more.remove();
      if (moveFocus) {
        // The first reply shown, so that the keyboard carries on where the button was.
        const first = folded[0];
        const link = first.querySelector(".comment-permalink");
        if (link) {
          link.focus();
        } else {
          first.setAttribute("tabindex", "-1");
          first.focus();
        }
      }
    }
    button.addEventListener("click", function () {
      unfold(true);
    });
    return { items: folded, unfold: unfold };
  }

  const replyTo = new URLSearchParams(window.location.search).get("reply");
  const kept = [commentAt(window.location.hash), commentAt("#comment-" + (replyTo || ""))];
  const folds = [];
  threads.forEach(function (thread) {
    const holdsKept = kept.some(function (comment) {
      return comment && thread.indexOf(comment) !== -1;
    });
    if (thread.length - 1 > SHOW_ALL && !holdsKept) {
      folds.push(fold(thread));
    }
  });

  window.addEventListener("hashchange", function () {
    const comment = commentAt(window.location.hash);
    folds.forEach(function (folded) {
      if (comment && comment.hidden && folded.items.indexOf(comment) !== -1) {
        folded.unfold(false);
        comment.scrollIntoView();
      }
    });
  });
})();
