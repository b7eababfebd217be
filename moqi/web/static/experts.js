// The expert centre's page: duty switch, answer / take / close / propose through the JSON API,
// due clocks that tick, and the queue kept current while the expert is not typing.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const { api } = window.moqi;
  const root = $("experts");
  if (!root) return;
  const selected = root.dataset.selected;
  const say = (text, bad) => { const s = $("action-status"); if (s) { s.textContent = text; s.classList.toggle("error", !!bad); } };
  const act = (fn) => async (ev) => {
    ev.preventDefault();
    try { await fn(); location.reload(); } catch (err) { say(err.message, true); }
  };

  const toggle = $("duty-toggle");
  if (toggle) toggle.addEventListener("click", act(() => api("POST", "/api/experts/me/duty", { on_duty: $("duty-panel").dataset.on !== "1" })));

  const form = $("answer-form");
  if (form) form.addEventListener("submit", act(() => api("POST", `/api/consultations/${selected}/messages`, { body: form.elements.body.value })));
  const take = $("take");
  if (take) take.addEventListener("click", act(() => api("POST", `/api/consultations/${selected}/take`)));
  const close = $("close");
  if (close) close.addEventListener("click", act(() => api("POST", `/api/consultations/${selected}/close`)));
  const propose = $("propose");
  if (propose) propose.addEventListener("click", act(() => api("POST", `/api/consultations/${selected}/propose`)));

  // The administrator places an expert in a department with some of its skills.
  document.querySelectorAll("form.place-form").forEach((f) => f.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const field = (name) => document.querySelector(`[form="${f.id}"][name="${name}"]`).value;
    const skills = field("skills").split(/[,，、\s]+/).filter(Boolean);
    const status = $("roster-status");
    try {
      await api("PUT", `/api/experts/${encodeURIComponent(f.dataset.username)}`, { department: field("department"), skills });
      location.reload();
    } catch (err) { status.textContent = err.message; status.classList.add("error"); }
  }));

  // Due clocks count down without a reload.
  function tick() {
    document.querySelectorAll("[data-due]").forEach((node) => {
      const left = Math.round((Date.parse(node.dataset.due) - Date.now()) / 60000);
      node.textContent = left < 0 ? `已超时 ${-left} 分钟` : `剩 ${left} 分钟`;
      node.classList.toggle("overdue", left < 0);
      const row = node.closest("tr");
      if (row && left < 0) row.classList.add("hot");
    });
  }
  setInterval(tick, 30000);

  // New questions and the agent's follow-ups appear without a reload, unless the expert is
  // writing an answer (a reload would lose it).
  const busy = () => (form && form.elements.body.value.trim()) || document.activeElement?.tagName === "TEXTAREA";
  let seen = null;
  async function poll() {
    if (document.hidden || busy()) return;
    try {
      const rows = await api("GET", "/api/consultations?status=open");
      const mine = selected ? await api("GET", `/api/consultations/${selected}`) : null;
      const now = JSON.stringify([rows.map((r) => [r.id, r.expert, r.messages.length]), mine && mine.messages.length, mine && mine.status]);
      if (seen !== null && now !== seen) location.reload();
      seen = now;
    } catch (err) { /* the next poll tries again */ }
  }
  poll();
  setInterval(poll, 5000);
})();
