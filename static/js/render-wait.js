// The page shown while the background worker renders a document (templates/intake/render_wait.html):
// asks the status URL every two seconds; when the document is ready, says so and downloads it once.
// A static file, not an inline script: the content security policy allows none.
(() => {
  const box = document.getElementById("render-wait");
  if (!box || !box.dataset.statusUrl) return;
  const state = document.getElementById("render-state");
  const ready = document.getElementById("render-ready");
  const link = document.getElementById("render-ready-link");
  let tries = 0;
  const check = () => {
    tries += 1;
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((status) => {
        if (status.ready) {
          if (state) state.textContent = "新版本已生成，正在下载。";
          if (link && status.download) link.href = status.download;
          if (ready) ready.classList.remove("d-none");
          window.location.assign(status.download || box.dataset.downloadUrl);
        } else if (status.failed) {
          if (state) state.textContent = "生成文件时出错，请稍后刷新本页重试；如仍不成功，请联系系统管理员。";
        } else {
          window.setTimeout(check, tries < 30 ? 2000 : 10000);
        }
      })
      .catch(() => window.setTimeout(check, 10000));
  };
  window.setTimeout(check, 1500);
})();
