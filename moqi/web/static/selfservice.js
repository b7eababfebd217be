// Self-service at the right moment: when assist is fairly sure what the customer called about
// and that reason has a self-service path (SMS command, App, WeChat menu, voice menu), the
// workbench shows the line to offer it; "已告知客户" records the offer, and the customer's later
// use of the path counts as uptake (the lead's wall shows offers and uptake per agent).
"use strict";
(function () {
  const root = document.getElementById("workbench");
  const panel = document.getElementById("selfservice-panel");
  if (!root || !panel) return;
  const { api, el } = window.moqi;
  const SURE = 0.4;
  const WHERE = { sms: "短信", app: "App", wechat: "微信", ivr: "热线" };
  const offered = new Set();
  let paths = null, shown = null;

  api("GET", "/api/channels/selfservice/paths").then((p) => { paths = p; }).catch(() => {});

  root.addEventListener("moqi:assist", (ev) => {
    const need = ev.detail.need;
    if (!paths || !need || !need.informed || !need.reasons.length) return;
    const top = need.reasons[0];
    if (top.p < SURE || !paths[top.code] || offered.has(top.code) || shown === top.code) return;
    shown = top.code;
    const offer = paths[top.code];
    document.getElementById("selfservice-line").textContent = `“${offer.line}”`;
    document.getElementById("selfservice-paths").replaceChildren(
      ...Object.entries(offer.paths).map(([k, v]) => el("li", {}, `${WHERE[k] || k}：${v}`)));
    document.getElementById("selfservice-note").textContent = `（${top.label}）`;
    document.getElementById("selfservice-offer").disabled = false;
    panel.hidden = false;
  });

  document.getElementById("selfservice-offer").addEventListener("click", async (ev) => {
    const reason = shown;
    ev.target.disabled = true;
    try {
      await api("POST", "/api/channels/selfservice/offers", { contact_id: Number(root.dataset.contact), reason });
      offered.add(reason);
      document.getElementById("selfservice-note").textContent = "已记录：客户之后自己使用该渠道会计入自助引导成效";
    } catch (x) {
      ev.target.disabled = false;
      document.getElementById("selfservice-note").textContent = `未记录：${x.message}`;
    }
  });
})();
