// The agent workbench: opens a contact, streams utterances over a WebSocket, draws what assist says.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const { api, el } = window.moqi;
  const root = $("workbench");
  const COLORS = { anger: "#d62828", distrust: "#e76f51", anxiety: "#f4a261", disappointment: "#9d4edd", sadness: "#457b9d", confusion: "#2a9d8f", surprise: "#4cc9f0", satisfaction: "#2b9348", gratitude: "#55a630", neutral: "#888" };
  const RELATIONS = { requires: ["前置条件", "#1d3557"], conflicts_with: ["互斥", "#d62828"], bundles_with: ["常搭配", "#2a9d8f"], often_follows: ["常见后续", "#f4a261"], upgrade_to: ["可升级为", "#6a4c93"], common_issue: ["常见问题", "#e63946"] };
  const TREND = { worsening: "↘ 恶化", improving: "↗ 好转", stable: "→ 平稳" };
  const STAGES = { acquisition: "新入网", growth: "成长期", maturity: "成熟期", decline: "衰退期", churn: "离网期" };
  let contactId = root.dataset.contact ? Number(root.dataset.contact) : null;
  let socket = null;
  let chat = false; // a WeChat / web chat / SMS conversation: replies go back to the customer
  const CHATS = ["wechat", "web", "sms"];
  const valences = [];
  let started = Date.now();

  function svg(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
    return node;
  }

  function renderCustomer(c, history, tickets) {
    $("customer-card").hidden = false;
    const fields = [["号码", c.phone_masked], ["称呼", c.title], ["品牌", c.brand], ["地区", c.region], ["套餐", c.plan], ["生命周期", STAGES[c.stage] || c.stage], ["级别", c.vip], ["近7天来电", c.recent_contacts]];
    $("customer-fields").replaceChildren(...fields.filter(([, v]) => v !== null && v !== undefined && v !== "").flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    $("customer-events").replaceChildren(...(c.events || []).map((e) => el("li", {}, `${Math.round(e.days_ago)}天前 · ${e.detail || e.type}`)));
    $("customer-tickets").replaceChildren(...(tickets || []).map((t) => el("li", { class: t.overdue ? "overdue" : "" },
      el("a", { href: `/tickets/${t.id}`, target: "_blank" }, `#${t.id}`),
      ` ${t.kind_label} · ${t.status_label || ""} · ${t.title} · 首问 ${t.owner} · ${t.status === "open" ? (t.overdue ? "已超时 " + Math.abs(t.hours_left) + " 小时" : "剩 " + t.hours_left + " 小时") : ""}`)));
    $("customer-contacts").replaceChildren(...(history || []).map((h) => el("li", {}, `#${h.contact_id} ${h.started_at.slice(0, 10)} · ${h.reason_label || "—"} · ${h.result || "进行中"}`)));
  }

  function renderNeed(need) {
    $("moment").textContent = need.moment_label + " " + Math.round(need.p * 100) + "%";
    $("reasons").replaceChildren(...need.reasons.map((r) => el("li", {}, el("span", { class: "bar", style: `width:${Math.max(4, r.p * 100)}%` }), el("span", { class: "label" }, `${r.label} ${Math.round(r.p * 100)}%`))));
  }

  // What moqi cannot know (〔N〕个工作日, 尾号〔后四位〕) is a field the agent fills in the line;
  // the line is copied only once every field is filled.
  const SLOT = /〔([^〔〕]{1,12})〕/g;
  function lineWithSlots(text) {
    const p = el("p", {});
    let at = 0;
    for (const m of text.matchAll(SLOT)) {
      p.append(text.slice(at, m.index), el("input", { class: "slot", placeholder: m[1], size: Math.max(3, m[1].length + 1), "aria-label": `填写${m[1]}` }));
      at = m.index + m[0].length;
    }
    p.append(text.slice(at));
    return p;
  }
  function filledText(p) {
    let ok = true;
    const text = [...p.childNodes].map((n) => { if (n.tagName !== "INPUT") return n.textContent; if (!n.value.trim()) ok = false; return n.value.trim(); }).join("");
    return ok ? text : null;
  }
  function renderScripts(scripts) {
    $("scripts").replaceChildren(...scripts.map((s) => { const line = lineWithSlots(s.text); return el("li", { class: "script" },
      line, el("small", {}, s.why),
      el("button", { class: "copy", onclick: (ev) => {
        const text = filledText(line);
        if (text === null) { const empty = [...line.querySelectorAll("input.slot")].find((i) => !i.value.trim()); empty.focus(); ev.target.textContent = "请先填写空格"; return; }
        navigator.clipboard && navigator.clipboard.writeText(text).catch(() => {}); ev.target.closest("li").classList.add("used"); ev.target.textContent = "已使用"; api("POST", "/api/knowledge/uses", { item: `script:${s.id}`, action: "used" }).catch(() => {}); } }, "复制/使用"),
      " ", el("a", { class: "improve", href: `/knowledge/script/${encodeURIComponent(s.id)}`, target: "_blank", title: "这句话术可以更好？提议修改，知识编辑审核后发布" }, "提议改进")); }));
  }

  function highlighted(event) {
    const line = el("p", { class: "utt " + event.speaker });
    line.append(el("b", {}, event.speaker === "customer" ? "客户：" : "坐席："));
    let at = 0;
    const text = event.text;
    (event.speaker === "customer" ? event.emotion.keywords : []).forEach((k) => {
      line.append(text.slice(at, k.start));
      line.append(el("mark", { class: "kw " + k.category + (k.negated ? " negated" : ""), title: k.category, style: `border-color:${COLORS[k.category] || "#888"}` }, text.slice(k.start, k.end)));
      at = k.end;
    });
    line.append(text.slice(at));
    return line;
  }

  function drawGauge(intensity, category) {
    const g = $("gauge");
    const angle = Math.PI * (1 - intensity);
    const x = 60 + 50 * Math.cos(angle), y = 60 - 50 * Math.sin(angle);
    g.replaceChildren(
      svg("path", { d: "M10 60 A50 50 0 0 1 110 60", fill: "none", stroke: "#ddd", "stroke-width": 10 }),
      svg("path", { d: `M10 60 A50 50 0 0 1 ${x.toFixed(1)} ${y.toFixed(1)}`, fill: "none", stroke: COLORS[category] || "#888", "stroke-width": 10 }));
    const label = svg("text", { x: 60, y: 58, "text-anchor": "middle", "font-size": 14 });
    label.textContent = Math.round(intensity * 100);
    g.append(label);
  }

  function drawTrend() {
    const t = $("trendline");
    const n = valences.length;
    const points = valences.map((v, i) => `${(n === 1 ? 100 : (i * 196) / (n - 1) + 2).toFixed(1)},${(20 - v * 18).toFixed(1)}`).join(" ");
    t.replaceChildren(svg("line", { x1: 0, y1: 20, x2: 200, y2: 20, stroke: "#ccc" }), svg("polyline", { points, fill: "none", stroke: "#1d3557", "stroke-width": 2 }));
  }

  function drawMap(businesses) {
    const map = $("bizmap");
    const centres = businesses.mentioned.length ? businesses.mentioned : businesses.in_call.slice(-1);
    map.replaceChildren();
    if (!centres.length) return;
    // One node per business: edges from several mentioned businesses can meet the same one.
    const seen = new Set([centres[0].code]);
    const related = businesses.related.filter((r) => !seen.has(r.to) && seen.add(r.to)).slice(0, 8);
    const centre = { x: 180, y: 110 };
    const node = (x, y, label, code, main) => {
      const group = svg("g", { class: "node" + (main ? " main" : ""), "data-code": code, tabindex: 0 });
      group.append(svg("circle", { cx: x, cy: y, r: main ? 30 : 22, fill: main ? "#1d3557" : "#f1faee", stroke: "#1d3557" }));
      // The whole name, on two lines where it is long (a cut name is no name); hover shows it too.
      const lines = label.length > 6 ? [label.slice(0, Math.ceil(label.length / 2)), label.slice(Math.ceil(label.length / 2))] : [label];
      const size = lines.some((l) => l.length > 6) ? 8 : 10;
      lines.forEach((line, i) => {
        const text = svg("text", { x, y: y + 4 + (i - (lines.length - 1) / 2) * (size + 1), "text-anchor": "middle", "font-size": size, fill: main ? "#fff" : "#1d3557" });
        text.textContent = line;
        group.append(text);
      });
      const title = svg("title", {});
      title.textContent = label;
      group.append(title);
      group.addEventListener("click", () => showBusiness(code));
      return group;
    };
    related.forEach((r, i) => {
      const a = (2 * Math.PI * i) / Math.max(related.length, 1) - Math.PI / 2;
      const x = centre.x + 140 * Math.cos(a), y = centre.y + 80 * Math.sin(a);
      const [label, colour] = RELATIONS[r.relation] || [r.relation, "#888"];
      map.append(svg("line", { x1: centre.x, y1: centre.y, x2: x, y2: y, stroke: colour, "stroke-width": 2, class: "edge " + r.relation }));
      const tag = svg("text", { x: (centre.x + x) / 2, y: (centre.y + y) / 2 - 3, "font-size": 9, fill: colour, "text-anchor": "middle" });
      tag.textContent = label;
      map.append(tag, node(x, y, r.to_name, r.to, false));
    });
    map.append(node(centre.x, centre.y, centres[0].name, centres[0].code, true));
  }

  async function showBusiness(code) {
    const box = $("biz-detail");
    try {
      const b = await api("GET", `/api/assist/businesses/${encodeURIComponent(code)}`);
      box.replaceChildren(el("h3", {}, b.name), el("p", {}, b.summary || ""),
        el("ul", { class: "compact" }, b.relations.slice(0, 6).map((r) => el("li", {}, `${(RELATIONS[r.relation] || [r.relation])[0]}：${r.to_name}${r.note ? " — " + r.note : ""}`))),
        el("ul", { class: "compact" }, b.scripts.slice(0, 3).map((s) => el("li", {}, s.text))));
    } catch (err) {
      box.replaceChildren(el("p", {}, `${code}：${err.message}`));
    }
    box.hidden = false;
  }

  function renderConfirmation(c) {
    const panel = $("confirm-panel");
    if (!c) return;
    panel.hidden = false;
    panel.dataset.status = c.status;
    $("confirm-prompt").textContent = c.prompt;
    $("confirm-items").replaceChildren(...c.items.map((i) => el("li", { class: i.checked ? "checked" : "" }, `${i.checked ? "☑" : "☐"} ${i.label}：${i.value}`)));
  }

  function renderEvent(event) {
    root.dispatchEvent(new CustomEvent("moqi:assist", { detail: event })); // consult.js offers the call's businesses
    $("transcript").append(highlighted(event));
    $("transcript").scrollTop = $("transcript").scrollHeight;
    const e = event.emotion;
    if (event.speaker === "customer") { valences.push(e.valence); drawTrend(); }
    drawGauge(e.intensity, e.category);
    $("emotion-label").textContent = e.label;
    $("emotion-label").style.color = COLORS[e.category] || "";
    $("emotion-trend").textContent = TREND[e.trend] || "";
    $("risk").textContent = e.risk.toFixed(2);
    $("risk").className = e.risk >= 0.6 ? "hot" : "";
    // (events stored before churn was scored have none)
    $("churn").textContent = (e.churn || 0).toFixed(2);
    $("churn").className = e.churn >= 0.5 ? "hot" : "";
    $("churn").title = (e.churn_reasons || []).join("；");
    followRisk(e);
    renderHints(event);
    $("advice").replaceChildren(...e.advice.map((a) => el("li", {}, a)));
    renderNeed(event.need);
    drawMap(event.businesses);
    renderScripts(event.scripts);
    renderConfirmation(event.confirmation);
    const top = event.need.reasons[0];
    if (top) $("wrapup-reason").value = top.code;
  }

  // The banner follows the current risk: raised by an alert, updated on every event, and
  // stood down once the risk falls back under the line.
  function followRisk(e) {
    const a = $("alert");
    if (a.hidden || a.dataset.kind !== "risk") return;
    if (e.risk >= 0.6) a.textContent = `⚠ 升级风险 ${e.risk.toFixed(2)}：${e.risk_reasons.join("；")}`;
    else { a.textContent = `风险已回落至 ${e.risk.toFixed(2)}`; a.className = "alert calm"; if (e.risk < 0.4) a.hidden = true; }
  }

  // A quiet hint when the agent's own words are ones a quality inspector marks down.
  function renderHints(event) {
    if (event.speaker !== "agent") return;
    const hints = event.agent_hints || [], hint = $("hint");
    hint.hidden = !hints.length;
    hint.replaceChildren(...hints.map((h) => el("p", {}, `💡 ${h.label}。可以这样说：${h.instead}`)));
  }

  function onMessage(message) {
    if (message.type === "assist") renderEvent(message.event);
    else if (message.type === "alert") {
      const a = $("alert"); a.hidden = false; a.dataset.kind = "risk"; a.className = "alert";
      const fresh = message.new_channels && message.new_channels.length ? `（新：${message.new_channels.join("、")}）` : "";
      a.textContent = `⚠ 升级风险 ${message.risk.toFixed(2)}${fresh}：${message.reasons.join("；")}`;
    }
    else if (message.type === "whisper") $("whispers").append(el("p", { class: "whisper" }, `班长 ${message.from}：${message.text}`));
    else if (message.type === "contact_closed") { $("say-form").hidden = true; }
    else if (message.type === "typing" && message.who === "customer") {
      const t = $("typing"); t.hidden = false; clearTimeout(t.timer); t.timer = setTimeout(() => { t.hidden = true; }, 4000);
    }
    else if (message.type === "error") { const a = $("alert"); a.hidden = false; a.dataset.kind = "error"; a.textContent = message.detail; }
  }

  function connect() {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${proto}://${location.host}/ws/contacts/${contactId}`);
    socket.onmessage = (m) => onMessage(JSON.parse(m.data));
    socket.onopen = () => { root.dataset.live = "1"; };
    socket.onclose = () => { root.dataset.live = "0"; };
  }

  function showLive(data) {
    $("open-panel").hidden = true;
    $("say-form").hidden = false;
    $("wrapup-panel").hidden = false;
    chat = CHATS.includes(data.channel);
    const form = $("say-form");
    form.elements.speaker.hidden = chat;
    if (chat) form.elements.text.placeholder = "回复客户（发送到客户的" + ({ wechat: "微信", web: "网页聊天", sms: "短信" })[data.channel] + "）";
    renderCustomer(data.customer, data.history, data.tickets);
    $("identify-form").hidden = !(chat && !(data.customer && data.customer.id));
    const opening = data.opening || data;
    if (opening.need) renderNeed(opening.need);
    if (opening.scripts) renderScripts(opening.scripts);
    (data.events || []).forEach(renderEvent);
    (data.whispers || []).forEach((w) => onMessage({ type: "whisper", ...w }));
    connect();
  }

  $("open-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const data = await api("POST", "/api/contacts", { customer: form.get("customer"), channel: form.get("channel") });
    contactId = data.contact_id;
    started = Date.now();
    history.replaceState(null, "", `/workbench/${contactId}`);
    root.dataset.contact = contactId;
    showLive(data);
  });

  $("say-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const text = String(form.get("text") || "").trim();
    if (!text || !socket) return;
    ev.target.elements.text.value = "";
    if (chat) { reply(text, "channel"); return; }
    socket.send(JSON.stringify({ speaker: form.get("speaker"), text, ts: (Date.now() - started) / 1000 }));
  });
  $("say-form").elements.text.addEventListener("input", () => {
    if (chat && socket && socket.readyState === 1 && Date.now() - (socket.typedAt || 0) > 2000) {
      socket.typedAt = Date.now();
      socket.send('{"typing": true}');
    }
  });

  // A chat from an unknown sender: the agent says who the customer is (the number they give),
  // and the sender is linked to them for good — the card, history and need follow.
  $("identify-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const customer = String(new FormData(ev.target).get("customer") || "").trim();
    if (!customer) return;
    try {
      await api("POST", `/api/channels/contacts/${contactId}/customer`, { customer });
      location.reload();
    } catch (x) { $("identify-error").hidden = false; $("identify-error").textContent = x.message; }
  });

  // A chat reply goes through the channel (WeChat inside its 48-hour window, the web chat, SMS);
  // outside WeChat's window the agent is told why and offered SMS.
  async function reply(text, via) {
    const a = $("alert");
    try {
      await api("POST", `/api/channels/contacts/${contactId}/reply`, { text, via });
      if (a.dataset.kind === "window") a.hidden = true;
    } catch (x) {
      a.hidden = false; a.className = "alert"; a.dataset.kind = "window";
      a.replaceChildren(el("span", {}, x.message + " "));
      if (x.body && x.body.code === "outside_window" && x.body.sms) {
        const b = el("button", { type: "button", class: "small" }, "改发短信");
        b.addEventListener("click", () => reply(text, "sms"));
        a.append(b);
      }
    }
  }

  const answer = (agreed) => api("POST", `/api/contacts/${contactId}/confirmation`, { agreed }).then(renderConfirmation).catch((err) => alert(err.message));
  $("confirm-yes").addEventListener("click", () => answer(true));
  $("confirm-no").addEventListener("click", () => answer(false));

  $("wrapup-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const error = $("wrapup-error");
    try {
      const saved = await api("POST", `/api/contacts/${contactId}/wrapup`, { reason: form.get("reason"), result: form.get("result"), notes: form.get("notes") || "", follow_up: form.get("follow_up") === "on" });
      error.hidden = true;
      $("wrapup-panel").replaceChildren(el("p", { class: "saved" }, `接触 #${saved.contact_id} 已保存（${saved.result}）`),
        el("p", {}, "这通电话有值得推广的经验？ ",
          el("a", { href: `/knowledge/new/article?source=case&ref=${saved.contact_id}`, target: "_blank" }, "提议为知识"), " · ",
          el("a", { href: `/knowledge/stories?contact=${saved.contact_id}`, target: "_blank" }, "分享为成功案例")));
      $("say-form").hidden = true;
    } catch (err) {
      error.hidden = false;
      error.textContent = err.message;
    }
  });

  const KINDS = { article: "知识", business: "业务", script: "话术", reason: "来电原因" };
  function marked(text, spans) {
    const out = [];
    let at = 0;
    spans.forEach(([s, e]) => { out.push(text.slice(at, s), el("mark", {}, text.slice(s, e))); at = e; });
    out.push(text.slice(at));
    return out;
  }
  $("search-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = String(new FormData(ev.target).get("q") || "").trim();
    if (!q) return;
    const data = await api("GET", `/api/knowledge/search?q=${encodeURIComponent(q)}&k=5&valid_on=${new Date().toISOString().slice(0, 10)}`);
    const open = (h) => { if (data.search_id) api("POST", `/api/knowledge/searches/${data.search_id}/click`, { item: h.id }).catch(() => {}); };
    const title = (h) => h.kind === "reason" ? h.title : el("a", { href: `/knowledge/${h.id.replace(":", "/")}`, target: "_blank", onclick: () => open(h) }, h.title);
    const body = (h) => (h.snippet ? marked(h.snippet.text, h.snippet.highlights) : marked(h.text, h.highlights));
    const hint = data.did_you_mean ? [el("li", {}, `您是不是要找：${data.did_you_mean}`)] : [];
    $("search-results").replaceChildren(...hint, ...(data.hits.length ? data.hits.map((h) => el("li", { class: "script hit" },
      el("small", {}, `${KINDS[h.kind] || h.kind} · `, title(h)), el("p", {}, body(h)))) : [el("li", {}, "没有找到，换个说法试试")]));
  });

  // Keep the newest line in view when the transcript shrinks (an alert or whisper appears above it).
  const transcript = $("transcript");
  let pinned = true;
  transcript.addEventListener("scroll", () => { pinned = transcript.scrollTop + transcript.clientHeight >= transcript.scrollHeight - 4; });
  if (window.ResizeObserver) new ResizeObserver(() => { if (pinned) transcript.scrollTop = transcript.scrollHeight; }).observe(transcript);

  // The agent's open contacts, kept current: a call routed to them (or replayed by `moqi
  // simulate`) appears without a reload.
  const listMine = () => api("GET", "/api/contacts").then((rows) => $("my-contacts").replaceChildren(...(rows.length ? rows.map((c) =>
    el("li", {}, el("a", { href: `/workbench/${c.contact_id}` }, `#${c.contact_id} ${c.customer.phone_masked || ""} · ${c.emotion_label} · ${c.reason || "—"}`))) : [el("li", { class: "muted" }, "暂无进行中的接触")]))).catch(() => {});
  if (!contactId) { listMine(); setInterval(() => { if (!document.hidden) listMine(); }, 5000); }
  if (contactId) api("GET", `/api/contacts/${contactId}`).then(showLive).catch((err) => { $("alert").hidden = false; $("alert").textContent = err.message; });
})();
