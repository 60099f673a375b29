// Keeps a copy of the review being written in this browser, so a closed tab or a crash loses nothing.
// The server copy wins whenever it is newer than the text kept here; the browser's copy is dropped
// only once the site shows the same text.
(function () {
  "use strict";
  const form = document.querySelector("form[data-autosave-key]");
  if (!form || !("localStorage" in window)) {
    return;
  }
  const key = "readinggroup:" + form.dataset.autosaveKey;
  const version = form.dataset.autosaveVersion || "";
  const fields = Array.from(form.querySelectorAll("textarea[name]"));
  const status = document.getElementById("autosave-status");
  const serverValues = Object.fromEntries(fields.map((field) => [field.name, field.value]));

  function read() {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  // The site saves each part without its surrounding whitespace, and browsers send line ends as CRLF:
  // text that differs only there is the same text.
  function same(a, b) {
    const normal = (text) => (text || "").replace(/\r\n?/g, "\n").trim();
    return normal(a) === normal(b);
  }

  // 24-hour clock, as the site prints its times.
  function timeOf(milliseconds) {
    return new Date(milliseconds).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  const saveLabel = form.dataset.autosaveSaveLabel || "Save draft";

  function save() {
    const values = Object.fromEntries(fields.map((field) => [field.name, field.value]));
    const savedAt = Date.now();
    try {
      window.localStorage.setItem(key, JSON.stringify({ version: version, savedAt: savedAt, values: values }));
      status.textContent = "Kept in this browser at " + timeOf(savedAt) + ". " + saveLabel + " to store it on the site.";
    } catch (error) {
      status.textContent = "This browser could not keep a copy; save your draft now and then.";
    }
  }

  function fill(values) {
    fields.forEach((field) => {
      if (Object.prototype.hasOwnProperty.call(values, field.name)) {
        field.value = values[field.name];
      }
    });
  }

  function offerUndo(label, values, done) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button-link";
    button.textContent = label;
    button.addEventListener("click", () => {
      fill(values);
      window.localStorage.removeItem(key);
      status.textContent = done;
    });
    status.append(" ", button);
  }

  const kept = read();
  const differs = kept && kept.values && fields.some((field) => !same(kept.values[field.name] ?? field.value, field.value));
  if (form.dataset.autosaveState !== "saved") {
    save(); // a preview or a refused save: the text in the form is not on the site yet
  } else if (kept && !differs) {
    // The site has exactly this text: it was saved, so the browser's copy is no longer needed.
    window.localStorage.removeItem(key);
  } else if (differs && kept.version === version) {
    fill(kept.values);
    status.textContent = "Restored text you had not saved yet (kept in this browser at " + timeOf(kept.savedAt) + ").";
    offerUndo(
      "Discard it and show the saved review",
      serverValues,
      "Showing the review as saved on the site; the browser's copy is gone.",
    );
  } else if (differs) {
    status.textContent = "This browser kept text from an older version of this review (" + timeOf(kept.savedAt) + ").";
    offerUndo(
      "Restore that text",
      kept.values,
      "Restored the text kept in this browser. " + saveLabel + " to store it on the site.",
    );
  }

  let timer = null;
  form.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 400);
  });
  // The copy is kept through submitting: if the save fails (an expired session, a lost connection),
  // the text comes back on the next visit; once the site shows the same text, the copy is dropped.
  form.addEventListener("submit", save);
})();
