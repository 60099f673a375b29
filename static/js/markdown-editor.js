// Write / Preview tabs above every Markdown textarea (marked data-markdown-editor). Preview sends the
// text to the site, which answers with the same sanitised HTML a saved text gets, and shows it in
// place. The textarea is only hidden, never emptied, so a failed preview loses nothing. Without this
// script the textareas and the forms' own Preview buttons work as before.
(function () {
  "use strict";
  const MESSAGES = {
    loading: "Loading preview…",
    forbidden: "Preview is not available: you may have been signed out. Your text is safe in the Write tab.",
    network: "Could not reach the site. Your text is safe in the Write tab; try again in a moment.",
    other: "The preview could not be shown. Your text is safe in the Write tab.",
  };
  let editors = 0;

  function csrfToken(textarea) {
    const scope = textarea.form || document;
    const input = scope.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function makeTab(label, id, panelId) {
    const tab = document.createElement("button");
    tab.type = "button"; // a tab never submits the form it sits in
    tab.className = "markdown-tab";
    tab.id = id;
    tab.textContent = label;
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-controls", panelId);
    return tab;
  }

  // The server explains 400 (too long) and 429 (too fast) in plain text; other refusals are full
  // pages meant for people, so they are summed up here instead.
  async function refusalMessage(response) {
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith("text/plain")) {
      return (await response.text()).trim() || MESSAGES.other;
    }
    if (response.status === 403) {
      return MESSAGES.forbidden;
    }
    return MESSAGES.other + (response.status ? " (error " + response.status + ")" : "");
  }

  function enhance(textarea) {
    editors += 1;
    const base = "markdown-editor-" + editors;
    const url = textarea.dataset.previewUrl;
    const writeTab = makeTab("Write", base + "-write-tab", base + "-write");
    const previewTab = makeTab("Preview", base + "-preview-tab", base + "-preview");
    const tabs = [writeTab, previewTab];

    const tablist = document.createElement("div");
    tablist.className = "markdown-tabs";
    tablist.setAttribute("role", "tablist");
    tablist.setAttribute("aria-label", "Write or preview");
    tablist.append(writeTab, previewTab);

    const writePanel = document.createElement("div");
    writePanel.id = base + "-write";
    writePanel.setAttribute("role", "tabpanel");
    writePanel.setAttribute("aria-labelledby", writeTab.id);

    const previewPanel = document.createElement("div");
    previewPanel.id = base + "-preview";
    previewPanel.className = "prose markdown-preview";
    previewPanel.tabIndex = 0; // so keyboard users can reach and scroll a preview without links
    previewPanel.setAttribute("role", "tabpanel");
    previewPanel.setAttribute("aria-labelledby", previewTab.id);

    const editor = document.createElement("div");
    editor.className = "markdown-editor";
    textarea.before(editor);
    writePanel.append(textarea); // moving the element keeps its text, label and listeners
    editor.append(tablist, writePanel, previewPanel);

    let shownText = null; // the text the preview panel currently shows, if it shows one
    let latest = 0; // only the newest request may fill the panel

    function showMessage(text, isError) {
      const message = document.createElement("p");
      message.className = isError ? "preview-error" : "empty";
      if (isError) {
        message.setAttribute("role", "alert");
      }
      message.textContent = text;
      previewPanel.replaceChildren(message);
    }

    async function preview() {
      const text = textarea.value;
      if (text === shownText) {
        return;
      }
      const request = ++latest;
      shownText = null;
      previewPanel.setAttribute("aria-busy", "true");
      showMessage(MESSAGES.loading, false);
      let html = null;
      let error = null;
      try {
        const response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          redirect: "manual", // a redirect would be a sign-in page, not a preview
          headers: { "X-CSRFToken": csrfToken(textarea) },
          body: new URLSearchParams({ text: text }),
        });
        if (response.ok && response.type === "basic") {
          html = await response.text();
        } else {
          error = await refusalMessage(response);
        }
      } catch (failure) {
        error = MESSAGES.network;
      }
      if (request !== latest) {
        return;
      }
      previewPanel.removeAttribute("aria-busy");
      if (error) {
        showMessage(error, true);
      } else {
        previewPanel.innerHTML = html; // sanitised by the site, exactly as when the text is saved
        shownText = text;
      }
    }

    function select(tab, moveFocus) {
      const previewing = tab === previewTab;
      tabs.forEach((each) => {
        const selected = each === tab;
        each.setAttribute("aria-selected", String(selected));
        each.tabIndex = selected ? 0 : -1;
      });
      writePanel.hidden = previewing;
      previewPanel.hidden = !previewing;
      if (moveFocus) {
        tab.focus();
      }
      if (previewing) {
        preview();
      }
    }

    tabs.forEach((tab) => tab.addEventListener("click", () => select(tab, false)));
    tablist.addEventListener("keydown", (event) => {
      const current = tabs.indexOf(document.activeElement);
      let next = null;
      if (event.key === "ArrowRight") {
        next = tabs[(current + 1) % tabs.length];
      } else if (event.key === "ArrowLeft") {
        next = tabs[(current - 1 + tabs.length) % tabs.length];
      } else if (event.key === "Home") {
        next = tabs[0];
      } else if (event.key === "End") {
        next = tabs[tabs.length - 1];
      }
      if (next && current !== -1) {
        event.preventDefault();
        select(next, true);
      }
    });
    // A required textarea hidden behind the Preview tab could not show the browser's message.
    textarea.addEventListener("invalid", () => select(writeTab, false));
    select(writeTab, false);
  }

  document.querySelectorAll("textarea[data-markdown-editor][data-preview-url]").forEach(enhance);
})();
