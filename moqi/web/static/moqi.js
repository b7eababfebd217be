// What every page's script shares: calling the JSON API (problem+json errors become Error
// messages) and building DOM elements.
"use strict";
window.moqi = (function () {
  async function api(method, url, body) {
    const res = await fetch(url, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 204) return {};
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(data.detail || res.statusText), { body: data, status: res.status });
    return data;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => (k === "class" ? (node.className = v) : k.startsWith("on") ? node.addEventListener(k.slice(2), v) : node.setAttribute(k, v)));
    children.flat().forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c ?? ""))));
    return node;
  }

  return { api, el };
})();

// A select marked data-autosubmit submits its form when changed (no inline handlers: the
// Content-Security-Policy runs only script files).
document.addEventListener("change", (e) => {
  if (e.target.matches && e.target.matches("select[data-autosubmit]")) e.target.form.submit();
});
