// Signing out removes what this site keeps in the browser's localStorage (review drafts kept by
// review-autosave.js under "readinggroup:…"), so the next person at a shared computer cannot read them.
// The prefix comes from the form's data-clear-local-storage-prefix attribute: no inline script (CSP).
(function () {
  "use strict";
  // The header's sign-out button and the sign-out page's form both carry the attribute.
  const forms = Array.from(document.querySelectorAll("form[data-clear-local-storage-prefix]"));
  if (forms.length === 0) {
    return;
  }
  const prefix = forms[0].dataset.clearLocalStoragePrefix;

  function storage() {
    try {
      return window.localStorage; // reading it throws when the browser blocks site data
    } catch (error) {
      return null;
    }
  }

  function ownKeys(store) {
    const keys = [];
    for (let index = 0; index < store.length; index += 1) {
      const key = store.key(index);
      if (prefix && key !== null && key.startsWith(prefix)) {
        keys.push(key);
      }
    }
    return keys;
  }

  const store = storage();
  if (!store || !prefix) {
    return;
  }
  const note = document.querySelector("[data-local-drafts-note]");
  if (note && ownKeys(store).length > 0) {
    note.hidden = false;
  }
  forms.forEach((form) =>
    form.addEventListener("submit", () => {
      ownKeys(store).forEach((key) => store.removeItem(key));
    }),
  );
})();
