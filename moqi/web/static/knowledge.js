// Knowledge pages: search with filters and did-you-mean, proposing changes, version diffs,
// the review queue and success stories. Every action goes through the JSON API.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const { api, el } = window.moqi;

  // Text with [start, end) spans wrapped in <mark>.
  function marked(text, spans) {
    const out = [];
    let at = 0;
    [...(spans || [])].sort((a, b) => a[0] - b[0]).forEach(([s, e]) => {
      if (s < at) return;
      out.push(text.slice(at, s), el("mark", { class: "kw" }, text.slice(s, e)));
      at = e;
    });
    out.push(text.slice(at));
    return out;
  }

  function status(node, text, bad) {
    node.textContent = text;
    node.classList.toggle("error", !!bad);
  }

  const LABELS = { article: "知识", business: "业务", script: "话术", reason: "来电原因" };

  // --- search page ---
  const searchRoot = $("kb-search");
  if (searchRoot) {
    const form = $("search-form");
    async function run() {
      const data = new FormData(form);
      const params = new URLSearchParams({ q: data.get("q").trim(), k: "20" });
      ["kind", "business", "brand", "region"].forEach((k) => data.get(k) && params.set(k, data.get(k)));
      if (data.get("valid")) params.set("valid_on", new Date().toISOString().slice(0, 10));
      if (!params.get("q")) return;
      history.replaceState(null, "", `/knowledge?q=${encodeURIComponent(params.get("q"))}`);
      try {
        const res = await api("GET", `/api/knowledge/search?${params}`);
        const dym = $("did-you-mean");
        dym.hidden = !res.did_you_mean;
        if (res.did_you_mean) {
          const a = dym.querySelector("a");
          a.textContent = res.did_you_mean;
          a.onclick = (ev) => { ev.preventDefault(); form.q.value = res.did_you_mean; run(); };
        }
        status($("search-status"), res.hits.length ? `找到 ${res.hits.length} 条` : "没有找到，换个说法试试，或提议新增知识");
        $("results").replaceChildren(...res.hits.map((h) => {
          const [kind, key] = h.id.split(/:(.*)/s);
          const href = ["article", "business", "script"].includes(kind) ? `/knowledge/${kind}/${encodeURIComponent(key)}` : null;
          const title = href ? el("a", { href, onclick: () => { if (res.search_id) navigator.sendBeacon && navigator.sendBeacon(`/api/knowledge/searches/${res.search_id}/click`, new Blob([JSON.stringify({ item: h.id })], { type: "application/json" })); } }, h.title) : el("span", {}, h.title);
          const snippet = h.snippet ? marked(h.snippet.text, h.snippet.highlights) : marked(h.text.slice(0, 160), h.highlights.filter(([s]) => s < 160));
          return el("li", { class: "kb-hit" }, el("span", { class: "kind" }, LABELS[kind] || kind), " ", title, el("p", {}, ...snippet));
        }));
      } catch (err) {
        status($("search-status"), err.message, true);
      }
    }
    form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
    if (form.q.value) run();
  }

  // --- item page: propose, compare, roll back ---
  const itemRoot = $("kb-item");
  if (itemRoot) {
    const kind = itemRoot.dataset.kind;
    let key = itemRoot.dataset.key;
    const form = $("propose-form");
    function bodyFromForm() {
      const body = {};
      [...form.elements].forEach((f) => {
        if (!f.name || f.name === "key" || f.name === "summary") return;
        body[f.name] = f.dataset.list ? f.value.split("\n").map((x) => x.trim()).filter(Boolean) : f.value;
      });
      if ("escalation" in body) { body.escalation = body.escalation === "1"; body.churn = body.churn === "1"; }
      return body;
    }
    async function propose(action) {
      const summary = form.elements.summary.value.trim();
      const k = key || (form.elements.key && form.elements.key.value.trim());
      try {
        const p = await api("POST", "/api/knowledge/proposals", { kind, key: k, action, body: action === "delete" ? null : bodyFromForm(), summary, source: itemRoot.dataset.source || "workbench", source_ref: itemRoot.dataset.sourceRef || "" });
        status($("propose-status"), `已提交，编号 #${p.id}，等待知识编辑审核。`);
      } catch (err) {
        status($("propose-status"), err.message, true);
      }
    }
    form.addEventListener("submit", (ev) => { ev.preventDefault(); propose(key ? "update" : "create"); });
    const del = $("propose-delete");
    if (del) del.addEventListener("click", () => { if (!form.elements.summary.value.trim()) { status($("propose-status"), "请先写明下线原因", true); return; } propose("delete"); });
    const compare = $("compare");
    if (compare) compare.addEventListener("click", async () => {
      const picked = [...document.querySelectorAll(".pick:checked")].map((x) => Number(x.value)).sort((a, b) => a - b);
      if (picked.length !== 2) { alert("请选择两个版本"); return; }
      const res = await api("GET", `/api/knowledge/items/${kind}/${encodeURIComponent(key)}/diff?old=${picked[0]}&new=${picked[1]}`);
      const pre = $("diff");
      pre.hidden = false;
      pre.replaceChildren(...(res.diff.length ? res.diff : ["（两个版本相同）"]).map((line) => el("span", { class: line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : "" }, line + "\n")));
    });
    document.querySelectorAll(".rollback").forEach((b) => b.addEventListener("click", async () => {
      if (!confirm(`把 v${b.dataset.version} 重新发布为最新版本？`)) return;
      try { await api("POST", `/api/knowledge/items/${kind}/${encodeURIComponent(key)}/rollback`, { version: Number(b.dataset.version) }); location.reload(); }
      catch (err) { alert(err.message); }
    }));
  }

  // --- review queue ---
  document.querySelectorAll("#kb-review .proposal").forEach((card) => {
    const id = card.dataset.id;
    const say = card.querySelector(".action-status");
    const act = async (method, url, body) => {
      try { await api(method, url, body); location.reload(); } catch (err) { status(say, err.message, true); }
    };
    card.querySelector(".comment-form").addEventListener("submit", (ev) => { ev.preventDefault(); act("POST", `/api/knowledge/proposals/${id}/comments`, { text: ev.target.elements.text.value }); });
    const decide = card.querySelector(".decide");
    if (decide) {
      decide.addEventListener("submit", (ev) => ev.preventDefault());
      decide.querySelector(".approve").addEventListener("click", () => act("POST", `/api/knowledge/proposals/${id}/approve`, { note: decide.elements.note.value }));
      decide.querySelector(".reject").addEventListener("click", () => act("POST", `/api/knowledge/proposals/${id}/reject`, { note: decide.elements.note.value }));
    }
    const save = card.querySelector(".save-body");
    if (save) save.addEventListener("click", () => {
      let body;
      try { body = JSON.parse(card.querySelector(".edit-body").value); } catch (err) { status(say, "JSON 格式不对：" + err.message, true); return; }
      act("PUT", `/api/knowledge/proposals/${id}/body`, { body });
    });
    const withdraw = card.querySelector(".withdraw");
    if (withdraw) withdraw.addEventListener("click", () => act("POST", `/api/knowledge/proposals/${id}/withdraw`));
  });

  // --- success stories ---
  document.querySelectorAll("#kb-stories .story").forEach((card) => {
    const id = card.dataset.id;
    const say = card.querySelector(".action-status");
    card.querySelectorAll(".star").forEach((b) => b.addEventListener("click", async () => {
      try { await api("POST", `/api/knowledge/stories/${id}/ratings`, { stars: Number(b.dataset.stars) }); location.reload(); } catch (err) { status(say, err.message, true); }
    }));
    const promote = card.querySelector(".promote");
    if (promote) promote.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const f = promote.elements;
      try { const p = await api("POST", `/api/knowledge/stories/${id}/promote`, { script_id: f.script_id.value.trim(), kind: f.kind.value, text: f.text.value }); status(say, `已转为话术提议 #${p.id}`); }
      catch (err) { status(say, err.message, true); }
    });
  });
  const storyForm = $("story-form");
  if (storyForm) storyForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = storyForm.elements;
    try {
      const contact = storyForm.dataset.contact ? Number(storyForm.dataset.contact) : null;
      await api("POST", "/api/knowledge/stories", { title: f.title.value, situation: f.situation.value, what_worked: f.what_worked.value, reason: f.reason.value || null, contact_id: contact });
      location.reload();
    } catch (err) { status($("story-status"), err.message, true); }
  });
})();
