// The routing rules page: save the YAML as the next version through PUT /api/channels/routing;
// a refusal shows the fault the server names, and nothing is stored.
"use strict";
(function () {
  const form = document.getElementById("routing-form");
  const result = document.getElementById("routing-result");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    result.className = "";
    try {
      const r = await window.moqi.api("PUT", "/api/channels/routing", { yaml: data.get("yaml"), note: data.get("note") });
      result.textContent = `已保存为第 ${r.version} 版，立即生效。`;
      setTimeout(() => { location.href = "/channels/routing"; }, 800);
    } catch (x) {
      result.className = "error";
      result.textContent = `未保存：${x.message}`;
    }
  });
})();
