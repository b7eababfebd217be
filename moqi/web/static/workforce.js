// The workforce page: import an ACD interval file and go to its queue.
document.getElementById("upload").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.target, out = document.getElementById("upload-result"), list = document.getElementById("upload-errors");
  const body = new FormData();
  body.append("file", form.file.files[0]);
  if (form.threshold_s.value) body.append("threshold_s", form.threshold_s.value);
  out.textContent = "导入中…"; list.replaceChildren();
  const r = await fetch(`/api/workforce/queues/${encodeURIComponent(form.queue.value.trim())}/imports`, {method: "POST", body});
  const data = await r.json().catch(() => ({detail: r.statusText}));
  if (r.ok) {
    out.textContent = `已导入 ${data.rows} 个时段（${data.first_start} 至 ${data.last_start}）。`;
    location.href = `/workforce/${encodeURIComponent(data.queue)}`;
  } else {
    out.textContent = r.status === 422 && data.errors ? "文件未导入，请修正以下问题：" : `未导入：${data.detail}`;
    for (const x of data.errors || []) { const li = document.createElement("li"); li.textContent = (x.row ? `第 ${x.row} 行：` : "") + x.message; list.append(li); }
  }
});
