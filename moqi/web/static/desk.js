// Service desk pages: forms marked data-api post their fields to the JSON API and reload the
// page (or go to the new ticket); clocks marked data-due count down every 30 seconds.
"use strict";
(function () {
  document.querySelectorAll("form[data-api]").forEach((form) => {
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const body = {};
      new FormData(form).forEach((v, k) => {
        if (v === "") return;
        const input = form.querySelector(`[name="${k}"]`);
        body[k] = input && input.hasAttribute("data-local") ? new Date(v).toISOString() : v;
      });
      const err = form.querySelector(".err");
      if (err) err.textContent = "";
      try {
        const out = await moqi.api(form.dataset.method || "POST", form.dataset.api, body);
        if (form.dataset.go && out.id) location.href = form.dataset.go + out.id;
        else location.reload();
      } catch (x) {
        if (err) err.textContent = x.message;
      }
    });
  });
  function tick() {
    const now = Date.now();
    document.querySelectorAll("[data-due] .left").forEach((left) => {
      const due = Date.parse(left.parentElement.dataset.due);
      const minutes = Math.round((due - now) / 60000);
      left.textContent = minutes;
      const c = left.parentElement;
      c.classList.toggle("breached", minutes < 0);
      c.classList.toggle("warning", minutes >= 0 && minutes <= 60);
    });
  }
  setInterval(tick, 30000);
})();
