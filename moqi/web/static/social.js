// The social posts page: "已回复" sends the public reply and private message as edited (what
// was actually sent) to POST /api/channels/social/{id}/action, "忽略" dismisses the post; the
// import form uploads a CSV export and shows the summary and the rows that were not read.
"use strict";
(function () {
  document.querySelectorAll("form.social-act").forEach((form) => {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const action = ev.submitter ? ev.submitter.value : "replied";
      const data = new FormData(form);
      const parts = [["公开回复", data.get("public")], ["私信", data.get("private")]]
        .filter(([, text]) => String(text || "").trim())
        .map(([label, text]) => `${label}：${String(text).trim()}`);
      const err = form.querySelector(".err");
      err.textContent = "";
      try {
        const id = form.closest(".social-post").dataset.id;
        await window.moqi.api("POST", `/api/channels/social/${id}/action`, { action, reply: action === "replied" ? parts.join("\n") : "" });
        form.replaceWith(window.moqi.el("p", { class: "muted" }, action === "replied" ? "已记为已回复。" : "已忽略。"));
      } catch (x) {
        err.textContent = `未保存：${x.message}`;
      }
    });
  });

  const upload = document.getElementById("social-import");
  if (!upload) return;
  const result = document.getElementById("social-import-result");
  upload.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    result.className = "";
    result.textContent = "导入中…";
    const res = await fetch("/api/channels/social/import", { method: "POST", body: new FormData(upload) });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      result.className = "error";
      result.textContent = `未导入：${data.detail || res.statusText}`;
      return;
    }
    result.replaceChildren(
      `共 ${data.received} 行：新帖子 ${data.new} 条，更新 ${data.updated} 条，新建工单 ${data.tickets} 张，提高优先级 ${data.raised} 张，有问题的行 ${data.bad_rows.length} 行。`,
      window.moqi.el("ul", {}, data.bad_rows.map((b) => window.moqi.el("li", {}, `第 ${b.row} 行：${b.error}`))),
    );
  });
})();
