// The WeChat conversations waiting for an agent, polled every 5 seconds into #wechat-inbox
// (oldest first); "接入" takes one, which opens a live contact with its messages, and goes to it.
"use strict";
(function () {
  const list = document.getElementById("wechat-inbox");
  if (!list) return;
  async function take(sender, button) {
    button.disabled = true;
    try {
      const r = await moqi.api("POST", `/api/channels/inbox/${encodeURIComponent(sender)}/take`);
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
    const button = moqi.el("button", { type: "button", class: "small" }, "接入");
    button.addEventListener("click", () => take(c.sender, button));
    return moqi.el("li", {}, `${c.waiting_since.slice(11, 16)} ${who}（${c.messages.length} 条）：${last.text} `, button);
  }
  async function poll() {
    try {
      const rows = await moqi.api("GET", "/api/channels/inbox");
      list.replaceChildren(...(rows.length ? rows.map(item) : [moqi.el("li", { class: "muted" }, "暂无待接入的微信会话")]));
    } catch (x) {
      /* the next poll tries again */
    }
  }
  poll();
  setInterval(poll, 5000);
})();
