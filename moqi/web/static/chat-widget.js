// moqi web chat widget: add <script src="https://<moqi>/static/chat-widget.js" async></script>
// to any page. It draws a 在线客服 button and a chat panel (in a shadow root, so the host page's
// styles do not leak in), keeps a random visitor id in localStorage, and talks to moqi over
// WS /channels/web/ws (protocol: moqi/channels/webchat.py). No CDN, no dependencies.
"use strict";
(function () {
  const script = document.currentScript;
  const base = new URL(script ? script.src : "/", location.href);
  const wsUrl = `${base.protocol === "https:" ? "wss" : "ws"}://${base.host}/channels/web/ws`;
  const random = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
  // A page that knows who the visitor is (the customer portal, signed in) names them on the tag:
  // <script src=".../chat-widget.js" data-visitor="…" data-open="1">; others get a random id.
  let visitor = script && /^[A-Za-z0-9_-]{16,64}$/.test(script.dataset.visitor || "") ? script.dataset.visitor : localStorage.getItem("moqi-visitor");
  if (!visitor) { visitor = random(); localStorage.setItem("moqi-visitor", visitor); }

  const host = document.createElement("div");
  host.id = "moqi-chat";
  document.body.append(host);
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `
<style>
  :host { all: initial; }
  * { box-sizing: border-box; font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; }
  button { cursor: pointer; border: 0; border-radius: .4rem; padding: .45rem .8rem; background: #0b5fa5; color: #fff; font-size: .9rem; }
  .open { position: fixed; right: 1rem; bottom: 1rem; z-index: 2147483000; box-shadow: 0 2px 8px rgba(0,0,0,.25); }
  .panel { position: fixed; right: 1rem; bottom: 1rem; width: min(22rem, calc(100vw - 2rem)); height: min(32rem, calc(100vh - 2rem));
           display: flex; flex-direction: column; background: #fff; border-radius: .6rem; box-shadow: 0 4px 18px rgba(0,0,0,.3); z-index: 2147483000; }
  .head { display: flex; justify-content: space-between; align-items: center; padding: .6rem .8rem; background: #0b5fa5; color: #fff; border-radius: .6rem .6rem 0 0; }
  .head button { background: transparent; padding: 0 .3rem; font-size: 1.1rem; }
  .status { padding: .35rem .8rem; font-size: .8rem; color: #555; background: #f3f6fa; min-height: 1.6rem; }
  .log { flex: 1; overflow-y: auto; padding: .6rem .8rem; display: flex; flex-direction: column; gap: .4rem; }
  .msg { max-width: 85%; padding: .4rem .6rem; border-radius: .6rem; font-size: .9rem; line-height: 1.45; white-space: pre-wrap; word-break: break-word; }
  .customer { align-self: flex-end; background: #0b5fa5; color: #fff; }
  .agent { align-self: flex-start; background: #eef1f5; color: #222; }
  .note { align-self: center; font-size: .78rem; color: #777; }
  .typing { font-size: .78rem; color: #777; padding: 0 .8rem; min-height: 1.1rem; }
  form { display: flex; gap: .4rem; padding: .5rem; border-top: 1px solid #e4e7ec; }
  input, textarea { flex: 1; border: 1px solid #cfd5dd; border-radius: .4rem; padding: .4rem; font-size: .9rem; }
  .leave, .rate { display: flex; flex-direction: column; gap: .4rem; padding: .6rem .8rem; border-top: 1px solid #e4e7ec; }
  .stars button { background: #eef1f5; color: #b58100; font-size: 1.2rem; padding: .2rem .45rem; }
  .stars button.on { background: #ffd666; }
  [hidden] { display: none !important; }
</style>
<button class="open" part="button">在线客服</button>
<section class="panel" hidden role="dialog" aria-label="在线客服">
  <div class="head"><strong>在线客服</strong><button class="close" aria-label="收起">×</button></div>
  <div class="status" role="status"></div>
  <div class="log" aria-live="polite"></div>
  <div class="typing"></div>
  <form class="say"><input name="text" maxlength="1000" placeholder="请输入您的问题" autocomplete="off" aria-label="消息"><button>发送</button></form>
  <form class="leave" hidden>
    <span>当前没有客服在线，请留言，我们上班后通过短信回复您。</span>
    <input name="phone" inputmode="tel" maxlength="20" placeholder="手机号码" aria-label="手机号码">
    <textarea name="text" rows="3" maxlength="1000" placeholder="留言内容" aria-label="留言内容"></textarea>
    <button>提交留言</button>
  </form>
  <form class="rate" hidden>
    <span>本次服务已结束，请为客服打分：</span>
    <div class="stars">${[1, 2, 3, 4, 5].map((n) => `<button type="button" data-score="${n}" aria-label="${n}分">★</button>`).join("")}</div>
    <input name="note" maxlength="200" placeholder="还有什么想对我们说的（可选）" aria-label="评价">
    <button>提交评价</button>
  </form>
</section>`;
  const $ = (sel) => root.querySelector(sel);
  const panel = $(".panel"), log = $(".log"), status = $(".status"), typing = $(".typing");
  let socket = null, onDuty = true, state = "idle", score = 0, typedAt = 0, typingTimer = null;

  function line(from, text) {
    const p = document.createElement("div");
    p.className = `msg ${from}`;
    p.textContent = text;
    log.append(p);
    log.scrollTop = log.scrollHeight;
  }
  function minutes(s) { return s < 60 ? "不到1分钟" : `约${Math.round(s / 60)}分钟`; }
  function showState() {
    $(".leave").hidden = !(state === "idle" && !onDuty);
    $(".say").hidden = state === "ended" || (state === "idle" && !onDuty);
    $(".rate").hidden = state !== "ended";
    if (state === "idle") status.textContent = onDuty ? "您好，请问有什么可以帮您？" : "当前没有客服在线";
    if (state === "chatting") status.textContent = "客服已接入，正在为您服务";
    if (state === "ended") status.textContent = "会话已结束";
  }
  function send(message) {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(message));
  }
  function onMessage(m) {
    if (m.type === "hello") {
      onDuty = m.on_duty; state = m.state; log.replaceChildren();
      m.history.forEach((h) => line(h.from === "agent" ? "agent" : "customer", h.text));
    } else if (m.type === "queue") {
      state = "queued";
      status.textContent = m.estimated_wait_s == null
        ? `您排在第${m.position}位，客服暂时都不在线，请稍候或留言`
        : `您排在第${m.position}位，预计等待${minutes(m.estimated_wait_s)}`;
      return;
    } else if (m.type === "joined") { state = "chatting"; line("note", "客服已接入"); }
    else if (m.type === "message") { typing.textContent = ""; line("agent", m.text); }
    else if (m.type === "typing") {
      typing.textContent = "客服正在输入…";
      clearTimeout(typingTimer); typingTimer = setTimeout(() => { typing.textContent = ""; }, 4000);
      return;
    } else if (m.type === "ended") { state = "ended"; line("note", "客服已结束本次会话"); }
    else if (m.type === "left") { line("note", "留言已收到，我们会尽快通过短信回复您"); state = "queued"; status.textContent = "留言已提交"; $(".leave").hidden = true; return; }
    else if (m.type === "rated") { $(".rate").hidden = true; line("note", "感谢您的评价！"); state = "idle"; status.textContent = "感谢您的评价"; return; }
    else if (m.type === "error") { line("note", m.detail); return; }
    showState();
  }
  function connect() {
    socket = new WebSocket(`${wsUrl}?visitor=${visitor}`);
    socket.onmessage = (e) => onMessage(JSON.parse(e.data));
    socket.onclose = (e) => { if (e.code < 4000 && !panel.hidden) setTimeout(connect, 3000); };
  }

  $(".open").addEventListener("click", () => { panel.hidden = false; $(".open").hidden = true; if (!socket || socket.readyState > 1) connect(); });
  $(".close").addEventListener("click", () => { panel.hidden = true; $(".open").hidden = false; });
  if (script && script.dataset.open === "1") $(".open").click();
  $(".say").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = $(".say input");
    const text = input.value.trim();
    if (!text) return;
    send({ type: "message", id: random(), text });
    line("customer", text);
    input.value = "";
    if (state === "idle") { state = "queued"; status.textContent = "正在为您接入客服…"; }
  });
  $(".say input").addEventListener("input", () => {
    if (state === "chatting" && Date.now() - typedAt > 2000) { typedAt = Date.now(); send({ type: "typing" }); }
  });
  $(".leave").addEventListener("submit", (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const text = String(form.get("text") || "").trim();
    if (!text) return;
    send({ type: "leave_message", id: random(), text, phone: String(form.get("phone") || "") });
    line("customer", text);
  });
  root.querySelectorAll(".stars button").forEach((b) => b.addEventListener("click", () => {
    score = Number(b.dataset.score);
    root.querySelectorAll(".stars button").forEach((x) => x.classList.toggle("on", Number(x.dataset.score) <= score));
  }));
  $(".rate").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!score) { line("note", "请先选择分数"); return; }
    send({ type: "rate", score, note: $(".rate input").value });
  });
})();
