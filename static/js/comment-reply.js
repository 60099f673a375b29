// One comment form per review page. Each comment's "Reply" link works without script (it reloads the page
// with ?reply=<pk>, and the server points the form at that comment); with script it moves the form into
// the comment's card, sets the hidden parent field, says whom the reply answers and moves focus to the
// text. "Cancel reply" puts the form back under the discussion, text and all.
// No inline script or style (CSP): the data comes from the links' data-reply-to / data-reply-name attributes.
(function () {
  "use strict";
  const form = document.getElementById("reply-form");
  if (!form) {
    return;
  }
  const parent = form.querySelector("input[name='parent']");
  const body = form.querySelector("textarea[name='body']");
  const context = document.getElementById("reply-context");
  const contextLink = document.getElementById("reply-context-link");
  const cancel = document.getElementById("reply-cancel");
  const submit = document.getElementById("comment-submit");
  const label = body ? form.querySelector("label[for='" + body.id + "']") : null;
  if (!parent || !body || !context || !contextLink || !cancel || !submit) {
    return;
  }
  // Where the form lives when it starts a new thread.
  const home = document.createComment("comment form");
  form.parentNode.insertBefore(home, form);

  function pointAt(pk, name) {
    parent.value = pk || "";
    context.hidden = !pk;
    contextLink.textContent = pk ? name : "";
    contextLink.setAttribute("href", pk ? "#comment-" + pk : "");
    submit.textContent = pk ? submit.dataset.replyLabel : submit.dataset.commentLabel;
    if (label) {
      label.textContent = pk ? "Your reply" : "Comment";
    }
    const card = pk ? document.getElementById("comment-" + pk) : null;
    if (card) {
      card.appendChild(form);
      form.classList.add("is-inline");
    } else {
      home.parentNode.insertBefore(form, home.nextSibling);
      form.classList.remove("is-inline");
    }
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-reply-to]");
    if (!link) {
      return;
    }
    event.preventDefault();
    pointAt(link.dataset.replyTo, link.dataset.replyName);
    form.scrollIntoView({ block: "nearest" });
    body.focus();
  });

  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    pointAt("", "");
    body.focus();
  });

  // Arrived through a no-script Reply link (?reply=<pk>): the form goes under that comment too.
  if (parent.value) {
    pointAt(parent.value, contextLink.textContent);
    form.scrollIntoView({ block: "nearest" });
  }
})();
