// Chats on the workbench: the agent's presence (可接入 routes chats to them), the chats routed
// to them as they arrive (over /ws/agent), and the queue of waiting conversations, polled every
// 5 seconds, each with a 接入 button to take it yourself.
"use strict";
(function () {
  const list = document.getElementById("wechat-inbox");
  if (!list) return;
  const { api, el } = window.moqi;
  const presence = document.getElementById("presence");
  const note = document.getElementById("presence-note");
  const assigned = document.getElementById("assigned");
  const CHANNELS = { wechat: "微信", web: "网页", sms: "短信" };
  const PRIORITY = { urgent: "紧急", high: "高", normal: "", low: "低" };

  function showPresence(p) {
    presence.value = p.status;
    note.textContent = `${Object.values(p.skill_labels).join("、")} · 会话 ${p.chats}/${p.max_chats}`;
  }
  presence.addEventListener("change", async () => {
    try { showPresence(await api("PUT", "/api/channels/presence", { status: presence.value })); }
    catch (x) { note.textContent = `状态未更新：${x.message}`; }
  });
  api("GET", "/api/channels/presence").then(showPresence).catch(() => {});

  function listen() {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${proto}://${location.host}/ws/agent`);
    socket.onmessage = (m) => {
      const c = JSON.parse(m.data);
      if (c.type !== "chat_assigned") return;
      const who = c.customer && c.customer.id ? `${c.customer.name_masked || c.customer.id}` : "新客户";
      const link = el("a", { href: `/workbench/${c.contact_id}` }, "打开");
      const urgent = PRIORITY[c.priority] ? `【${PRIORITY[c.priority]}】` : "";
      assigned.prepend(el("li", { class: "alert-item" }, `${urgent}新${CHANNELS[c.channel] || ""}会话 · ${c.skill_label} · ${who} `, link));
      api("GET", "/api/channels/presence").then(showPresence).catch(() => {});
    };
    socket.onclose = (e) => { if (e.code < 4000) setTimeout(listen, 3000); };
  }
  listen();

  async function take(c, button) {
    button.disabled = true;
    try {
      const r = await api("POST", `/api/channels/conversations/${c.conversation_id}/take`);
      location.href = `/workbench/${r.contact_id}`;
    } catch (x) {
      button.disabled = false;
      button.textContent = `接入失败：${x.message}`;
      poll();
    }
  }
  function item(c) {
    const who = c.customer ? `${c.customer.name_masked || c.customer.id} · ${c.customer.brand || ""}` : c.sender_masked;
    const last = c.messages[c.messages.length - 1];
    const button = el("button", { type: "button", class: "small" }, "接入");
    button.addEventListener("click", () => take(c, button));
    const urgent = PRIORITY[c.priority] ? `【${PRIORITY[c.priority]}】` : "";
    return el("li", {}, `${urgent}${c.waiting_since.slice(11, 16)} ${CHANNELS[c.channel] || c.channel} · ${c.skill_label} · ${who}（${c.messages.length} 条）：${last ? last.text : ""} `, button);
  }
  async function poll() {
    try {
      const rows = await api("GET", "/api/channels/inbox");
      list.replaceChildren(...(rows.length ? rows.map(item) : [el("li", { class: "muted" }, "暂无排队的会话")]));
    } catch (x) {
      /* the next poll tries again */
    }
  }
  poll();
  setInterval(poll, 5000);
})();
