// The team lead's wall: live contacts by risk, alerts as they happen, whispers to agents,
// and the quality review of the agents' own words (last 7 days).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const { el } = window.moqi;
  const contacts = new Map();
  const drafts = new Map(); // whisper text being typed survives re-rendering
  const TREND = { worsening: "↘", improving: "↗", stable: "→" };

  async function whisper(contactId, input) {
    const text = input.value.trim();
    if (!text) return;
    const res = await fetch(`/api/contacts/${contactId}/whisper`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text }) });
    if (res.ok) drafts.delete(contactId);
    input.value = res.ok ? "" : input.value;
    input.placeholder = res.ok ? "已发送" : "发送失败";
  }

  function render() {
    const rows = [...contacts.values()].sort((a, b) => b.risk - a.risk).map((c) => {
      const input = el("input", { maxlength: 500, placeholder: "对坐席说…", class: "whisper-input", oninput: (ev) => drafts.set(c.contact_id, ev.target.value) });
      input.value = drafts.get(c.contact_id) || "";
      return el("tr", { class: c.risk >= 0.6 ? "hot" : "", "data-contact": c.contact_id },
        el("td", {}, `#${c.contact_id}`), el("td", {}, c.agent), el("td", {}, `${c.customer.phone_masked || ""} ${c.customer.brand || ""}`),
        el("td", {}, c.emotion_label), el("td", { class: "risk" }, c.risk.toFixed(2)), el("td", {}, TREND[c.trend] || ""),
        el("td", {}, c.reason || "—"), el("td", { class: "last" }, c.last_text),
        el("td", {}, el("form", { onsubmit: (ev) => { ev.preventDefault(); whisper(c.contact_id, input); } }, input, el("button", {}, "耳语"))));
    });
    const focused = document.activeElement && document.activeElement.closest("tr");
    const keep = focused && focused.dataset.contact;
    $("wall-table").tBodies[0].replaceChildren(...rows);
    if (keep) { const again = document.querySelector(`tr[data-contact='${keep}'] input`); if (again) again.focus(); }
  }

  function addAlert(a, fresh) {
    const item = el("li", { class: fresh ? "fresh" : "" }, `#${a.contact_id} ${a.agent} · 风险 ${a.risk.toFixed(2)} · 第${a.turn}句 · ${(a.reasons || []).join("；")}`);
    $("alerts").prepend(item);
  }

  function phraseExamples(a) {
    return el("ul", { class: "phrase-examples" }, a.examples.map((x) =>
      el("li", {}, `#${x.contact_id} 第${x.turn}句 · ${x.label}：“${x.said}” → 建议说：${x.instead}`)));
  }

  function renderReview(data) {
    const body = $("phrase-review").tBodies[0];
    if (!data.agents.length) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: 5, class: "muted" }, "近7天没有坐席通话记录")));
      return;
    }
    body.replaceChildren(...data.agents.flatMap((a) => {
      const top = a.by_rule.slice(0, 3).map((r) => `${r.label}（${r.hits}）`).join("；") || "—";
      const detail = el("tr", { class: "phrase-detail", hidden: "" }, el("td", { colspan: 5 }, phraseExamples(a)));
      const toggle = el("button", { type: "button", onclick: () => { detail.hidden = !detail.hidden; toggle.textContent = detail.hidden ? "看例句" : "收起"; } }, "看例句");
      const row = el("tr", { class: a.hits ? "" : "muted" },
        el("td", {}, a.agent), el("td", {}, a.utterances), el("td", {}, a.hits), el("td", {}, top),
        el("td", {}, a.examples.length ? toggle : "—"));
      return [row, detail];
    }));
  }

  window.moqi.api("GET", "/api/quality/agent-phrases?days=7").then(renderReview).catch((err) => {
    $("phrase-note").textContent = `质检统计加载失败：${err.message}`;
  });

  fetch("/api/wall").then((r) => r.json()).then((data) => {
    data.contacts.forEach((c) => contacts.set(c.contact_id, c));
    data.alerts.slice().reverse().forEach((a) => addAlert(a, false));
    render();
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${proto}://${location.host}/ws/wall`);
    socket.onopen = () => { document.body.dataset.live = "1"; };
    socket.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.type === "contact_opened" || msg.type === "contact_updated") contacts.set(msg.contact.contact_id, msg.contact);
      else if (msg.type === "contact_closed") contacts.delete(msg.contact_id);
      else if (msg.type === "alert") addAlert(msg, true);
      render();
    };
  });
})();
