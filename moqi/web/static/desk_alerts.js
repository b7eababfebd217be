// SLA warnings and breaches of tickets, polled every 15 seconds into #desk-alerts (the agent's
// own tickets on the workbench, the team's on the team lead's wall), newest first.
"use strict";
(function () {
  const list = document.getElementById("desk-alerts");
  if (!list) return;
  const queue = list.dataset.queue || "mine";
  let since = 0;
  const shown = [];
  async function poll() {
    try {
      const rows = await moqi.api("GET", `/api/tickets/alerts?queue=${queue}&since=${since}`);
      rows.forEach((a) => {
        since = Math.max(since, a.id);
        shown.unshift(moqi.el("li", { class: a.stage === "breach" ? "breach" : "warn" },
          moqi.el("a", { href: `/tickets/${a.ticket_id}` }, `#${a.ticket_id}`), ` ${a.at.slice(11, 16)} ${a.stage === "breach" ? "超时" : "将到期"} · ${a.title} · ${a.text}`));
      });
      shown.splice(20);
      list.replaceChildren(...(shown.length ? shown : [moqi.el("li", { class: "muted" }, "暂无工单时限预警")]));
    } catch (x) {
      /* the next poll tries again */
    }
  }
  poll();
  setInterval(poll, 15000);
})();
