// Administration pages: ask before an action that cannot be undone from the page (deactivating
// a user ends their logins; a new password replaces the old one at once).
"use strict";
(function () {
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (ev) => {
      if (!window.confirm(form.dataset.confirm)) ev.preventDefault();
    });
  });
})();
