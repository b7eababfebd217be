// The wall's chat queues and self-service offers: per skill, who waits and for how long, the agents on duty and their
// free chat slots, the wait a new customer can expect; and the team's agents with their
// presence and load. Polled every 5 seconds from /api/channels/queues.
"use strict";
(function () {
  const queues = document.querySelector("#chat-queues tbody");
  const agents = document.querySelector("#chat-agents tbody");
  if (!queues) return;
  const { api, el } = window.moqi;
  const clock = (s) => (s == null ? "无人在岗" : s < 60 ? `${Math.round(s)}秒` : `${Math.floor(s / 60)}分${Math.round(s % 60)}秒`);

  async function poll() {
    let board;
    try { board = await api("GET", "/api/channels/queues"); } catch (x) { return; }
    queues.replaceChildren(...board.queues.map((q) => el("tr", { class: q.waiting && !q.free_slots ? "hot" : "" },
      el("td", {}, q.label), el("td", {}, q.waiting), el("td", {}, q.waiting ? clock(q.longest_wait_s) : "—"),
      el("td", {}, q.agents), el("td", {}, `${q.free_slots}/${q.slots}`),
      el("td", {}, q.estimated_wait_s === 0 ? "立即接入" : clock(q.estimated_wait_s)))));
    agents.replaceChildren(...board.agents.map((a) => el("tr", {},
      el("td", {}, a.username), el("td", {}, a.status_label), el("td", {}, `${a.chats}/${a.max_chats}`),
      el("td", {}, Object.entries(a.skills).map(([k, v]) => `${a.skill_labels[k] || k}(${v})`).join("、")))));
  }
  poll();
  setInterval(() => { if (!document.hidden) poll(); }, 5000);

  // Self-service offers and uptake per agent (last 30 days), refreshed every minute.
  const report = document.querySelector("#selfservice-report tbody");
  async function offers() {
    let r;
    try { r = await api("GET", "/api/channels/selfservice/report?days=30"); } catch (x) { return; }
    const pct = (v) => (v == null ? "—" : `${Math.round(v * 100)}%`);
    const rows = r.agents.map((a) => el("tr", {}, el("td", {}, a.agent), el("td", {}, a.offers), el("td", {}, a.uptake), el("td", {}, pct(a.rate))));
    rows.push(el("tr", { class: "total" }, el("td", {}, "合计"), el("td", {}, r.total.offers), el("td", {}, r.total.uptake), el("td", {}, pct(r.total.rate))));
    report.replaceChildren(...rows);
  }
  if (report) { offers(); setInterval(() => { if (!document.hidden) offers(); }, 60000); }
})();
