// One comment form per review page. Each comment's "Reply" link works without script (it reloads the page
// with ?reply=<pk>, and the server points the form at that comment); with script it points the form at the
// comment in place: sets the hidden parent field, says whom the reply answers, and moves focus to the text.
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

  function pointAt(pk, name) {
    parent.value = pk || "";
    context.hidden = !pk;
    contextLink.textContent = pk ? name : "";
    contextLink.setAttribute("href", pk ? "#comment-" + pk : "");
    submit.textContent = pk ? submit.dataset.replyLabel : submit.dataset.commentLabel;
    if (label) {
      label.textContent = pk ? "Your reply" : "Comment";
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
})();
