// Role-play: start a practice call from the scenario list; in the call, send the agent's line,
// show the customer's answer and mood, and load the score card when the call ends.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const { api, el } = window.moqi;
  const MOODS = { calm: "平静", neutral: "一般", angry: "生气" };

  document.querySelectorAll("button.start").forEach((b) => b.addEventListener("click", async () => {
    b.disabled = true;
    try {
      const s = await api("POST", "/api/training/roleplay/sessions", { scenario: b.dataset.key });
      location.assign(`/training/roleplay/${s.id}`);
    } catch (err) {
      $("pick-status").textContent = err.message;
      b.disabled = false;
    }
  }));

  const root = $("roleplay");
  if (!root) return;
  const id = root.dataset.id;
  const status = (text, bad) => { const s = $("say-status"); s.textContent = text; s.classList.toggle("error", !!bad); };
  const show = (s) => {
    const box = $("transcript");
    box.replaceChildren(...s.turns.map((t) => el("p", { class: `utt ${t.speaker}`, "data-speaker": t.speaker },
      el("b", {}, t.speaker === "agent" ? "坐席：" : "客户："), t.text,
      ...t.hints.map((h) => el("small", { class: "error" }, ` ⚠ ${h}`)))));
    box.lastElementChild && box.lastElementChild.scrollIntoView({ block: "nearest" });
    $("mood").dataset.mood = s.mood;
    $("mood-label").textContent = MOODS[s.mood] || s.mood;
    $("anger").textContent = s.anger;
    $("anger-meter").value = s.anger;
    $("trace").textContent = s.mood_trace.join(" → ");
    if (s.status !== "active") location.reload(); // the score card is rendered by the server
  };

  const form = $("say-form");
  if (!form) return;
  const send = async () => {
    const text = form.elements.text.value;
    if (!text.trim()) { status("请先输入要说的话", true); return; }
    form.querySelector("button[type=submit]").disabled = true;
    try {
      show(await api("POST", `/api/training/roleplay/sessions/${id}/messages`, { text }));
      form.elements.text.value = "";
      status("");
    } catch (err) {
      status(err.message, true);
    } finally {
      form.querySelector("button[type=submit]").disabled = false;
      form.elements.text.focus();
    }
  };
  form.addEventListener("submit", (ev) => { ev.preventDefault(); send(); });
  form.elements.text.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); send(); }
  });
  $("end").addEventListener("click", async () => {
    try { await api("POST", `/api/training/roleplay/sessions/${id}/end`); location.reload(); } catch (err) { status(err.message, true); }
  });
})();
