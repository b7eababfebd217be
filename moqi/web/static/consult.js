// The workbench's "咨询专家" panel: ask the virtual expert centre about the live contact (the
// business picked from what the call has named so far), and watch the answers arrive by polling
// GET /api/consultations?contact_id=… every few seconds. Self-contained: workbench.js only
// announces each assist event on #workbench ("moqi:assist").
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const { api, el } = window.moqi;
  const root = $("workbench");
  const panel = $("consult-panel");
  if (!root || !panel) return;
  const business = $("consult-business"), skill = $("consult-skill");
  const inCall = el("optgroup", { label: "本通电话涉及" });
  const others = el("optgroup", { label: "其他业务" });
  business.append(inCall, others);
  const named = new Set();
  let chosenByAgent = false;
  business.addEventListener("change", () => { chosenByAgent = true; });

  // The businesses the call names, newest last; the newest is preselected until the agent picks.
  root.addEventListener("moqi:assist", (ev) => {
    const b = ev.detail.businesses || {};
    [...(b.in_call || []), ...(b.mentioned || [])].forEach((x) => {
      if (named.has(x.code)) return;
      named.add(x.code);
      others.querySelector(`option[value="${CSS.escape(x.code)}"]`)?.remove();
      inCall.append(el("option", { value: x.code }, x.name));
      if (!chosenByAgent) business.value = x.code;
    });
  });

  api("GET", "/api/experts/departments").then((depts) => {
    const seen = new Set();
    depts.forEach((d) => {
      d.businesses.forEach((b) => { if (b.code !== "*" && !named.has(b.code) && !seen.has(b.code)) { seen.add(b.code); others.append(el("option", { value: b.code }, `${b.name}（${d.name}）`)); } });
      if (d.skills.length) skill.append(el("optgroup", { label: d.name }, d.skills.map((s) => el("option", { value: s }, s))));
    });
  }).catch(() => {});

  const contact = () => (root.dataset.contact ? Number(root.dataset.contact) : null);
  const STATUS = { open: "待答复", answered: "已答复", closed: "已关闭" };

  function thread(c) {
    const clock = c.status === "open" ? (c.overdue ? `已超时 ${-c.minutes_left} 分钟` : `约 ${c.minutes_left} 分钟内答复`) : "";
    const li = el("li", { class: "script consultation", "data-id": c.id, "data-status": c.status },
      el("small", {}, `#${c.id} ${c.department_name}${c.expert ? " · " + c.expert : " · 待专家接手"} · ${STATUS[c.status] || c.status} ${clock}`),
      c.messages.map((m) => el("p", { class: m.role === "expert" ? "answer" : "" }, el("b", {}, m.role === "expert" ? `专家 ${m.author}：` : "我："), m.body)));
    if (c.status === "closed") return li;
    const input = el("input", { name: "follow", maxlength: 4000, placeholder: "追问", autocomplete: "off" });
    const say = (err) => li.append(el("small", { class: "error" }, err.message));
    li.append(el("form", { class: "say", onsubmit: (ev) => { ev.preventDefault(); if (!input.value.trim()) return; api("POST", `/api/consultations/${c.id}/messages`, { body: input.value }).then(() => { input.value = ""; refresh(); }).catch(say); } },
      input, el("button", {}, "追问"),
      c.answered_at && !c.proposal_id ? el("button", { type: "button", class: "secondary", title: "把专家解答提议为知识，经知识编辑审核后发布", onclick: () => api("POST", `/api/consultations/${c.id}/propose`).then(refresh).catch(say) }, "提交到知识库") : "",
      el("button", { type: "button", class: "secondary", onclick: () => api("POST", `/api/consultations/${c.id}/close`).then(refresh).catch(say) }, "结束")));
    if (c.proposal_id) li.append(el("small", {}, `已提交知识库审核（提议 #${c.proposal_id}）`));
    return li;
  }

  let shown = "";
  async function refresh() {
    const id = contact();
    if (!id) return;
    const typing = [...$("consult-threads").querySelectorAll("input")].some((i) => i.value.trim());
    try {
      const rows = await api("GET", `/api/consultations?contact_id=${id}`);
      const now = JSON.stringify(rows);
      if (now === shown || typing) return;
      shown = now;
      $("consult-threads").replaceChildren(...rows.map(thread));
    } catch (err) { /* the next poll tries again */ }
  }

  $("consult-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target), error = $("consult-error");
    try {
      await api("POST", "/api/consultations", { question: form.get("question"), business: form.get("business") || "", skill: form.get("skill") || "", contact_id: contact() });
      ev.target.elements.question.value = "";
      error.hidden = true;
      refresh();
    } catch (err) {
      error.hidden = false;
      error.textContent = err.message;
    }
  });

  // The panel belongs to a live contact: shown once the workbench has one.
  const show = () => { panel.hidden = !contact(); if (contact()) refresh(); };
  new MutationObserver(show).observe(root, { attributes: true, attributeFilter: ["data-contact"] });
  show();
  setInterval(() => { if (!document.hidden && contact()) refresh(); }, 4000);
})();
