// Script A/B experiments page: every action goes through /api/knowledge/experiments.
"use strict";
(function () {
  const { api } = window.moqi;
  const root = document.getElementById("kb-experiments");
  if (!root) return;
  const form = document.getElementById("experiment-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    data.mde = Number(data.mde);
    data.sd = Number(data.sd);
    const status = document.getElementById("experiment-status");
    try {
      await api("POST", "/api/knowledge/experiments", data);
      location.reload();
    } catch (err) {
      status.textContent = err.message;
      status.classList.add("error");
    }
  });
  root.querySelectorAll("section.experiment").forEach((section) => {
    const id = section.dataset.id;
    const status = section.querySelector(".action-status");
    [["start", "start"], ["stop", "stop"], ["propose", "propose"]].forEach(([cls, action]) => {
      const button = section.querySelector("button." + cls);
      if (!button) return;
      button.addEventListener("click", async () => {
        try {
          await api("POST", `/api/knowledge/experiments/${id}/${action}`);
          location.reload();
        } catch (err) {
          status.textContent = err.message;
          status.classList.add("error");
        }
      });
    });
  });
})();
