// Idle logout, as the server enforces it (intake/accounts/middleware.py): warn a minute before,
// keep the session while the person types, and keep what they typed if the session ends anyway.
// A static file (the content security policy allows no inline script); settings come from the
// <body> data attributes.
(() => {
  const body = document.body;
  const idle = Number(body.dataset.idleSeconds || 0);
  const statusUrl = body.dataset.sessionUrl;
  const loginUrl = body.dataset.loginUrl;
  const SUBMITTED = "gdsm-draft-submitted"; // the path of a form just posted
  const draftKey = (path) => `gdsm-draft:${path}`;
  const DRAFT = draftKey(location.pathname);

  if (!idle || !statusUrl) {
    // Logged out (the login page): a post that ended here did not go through; keep its draft.
    sessionStorage.removeItem(SUBMITTED);
    return;
  }

  const WARN = 60; // seconds before the end
  const KEEPALIVE_EVERY = 60 * 1000;
  let deadline = Date.now() + (idle - 60) * 1000; // the server's stamp may be up to a minute old
  let lastKeepalive = Date.now();
  let timer = null;
  let banner = null;

  const csrfToken = () => {
    const input = document.querySelector("#logout-form input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };

  // --- drafts: forms that post, without passwords, files or the CSRF token ---
  const draftFields = (form) =>
    Array.from(form.elements).filter((el) => el.name && !el.disabled && el.name !== "csrfmiddlewaretoken" &&
      !["password", "file", "submit", "button", "hidden"].includes(el.type));
  const postForms = () => Array.from(document.querySelectorAll("main form[method=post], main form[method=POST]"));

  const saveDraft = () => {
    const values = {};
    postForms().forEach((form, index) => {
      draftFields(form).forEach((el) => {
        const key = `${index}|${el.name}`;
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.checked) (values[key] = values[key] || []).push(el.value);
        } else {
          values[key] = el.value;
        }
      });
    });
    try { sessionStorage.setItem(DRAFT, JSON.stringify(values)); } catch (e) { /* storage full or off */ }
  };

  const restoreDraft = () => {
    let values = null;
    try { values = JSON.parse(sessionStorage.getItem(DRAFT) || "null"); } catch (e) { values = null; }
    sessionStorage.removeItem(DRAFT);
    if (!values) return;
    let restored = 0;
    postForms().forEach((form, index) => {
      draftFields(form).forEach((el) => {
        const value = values[`${index}|${el.name}`];
        if (value === undefined) return;
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = Array.isArray(value) && value.includes(el.value);
        } else if (el.value !== value) {
          el.value = value;
          restored += 1;
        }
      });
    });
    if (restored) {
      const note = document.createElement("div");
      note.className = "alert alert-info";
      note.id = "draft-restored";
      note.textContent = "已恢复您在自动退出前填写的内容，请核对后保存。";
      document.querySelector("main").prepend(note);
    }
  };

  // A post answered by a logged-in page was taken by the server (saved, or shown again with its
  // errors): its draft goes. A post that ended on the login page kept it (above), for this page.
  const posted = sessionStorage.getItem(SUBMITTED);
  if (posted) {
    sessionStorage.removeItem(SUBMITTED);
    sessionStorage.removeItem(draftKey(posted));
  } else {
    restoreDraft();
  }
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.closest("main") && (form.method || "").toLowerCase() === "post") {
      saveDraft();
      sessionStorage.setItem(SUBMITTED, location.pathname);
    }
  }, true);

  // --- the countdown ---
  const hideBanner = () => { if (banner) { banner.remove(); banner = null; } };
  const showBanner = (seconds) => {
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "alert alert-warning shadow idle-warning";
      banner.id = "idle-warning";
      banner.setAttribute("role", "alert");
      const text = document.createElement("div");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-warning btn-sm mt-2";
      button.textContent = "继续使用";
      button.addEventListener("click", () => keepalive(true));
      banner.append(text, button);
      document.body.append(banner);
    }
    banner.firstChild.textContent = `由于长时间未操作，约 ${Math.max(1, Math.round(seconds))} 秒后将自动退出登录。`;
  };

  const schedule = () => {
    clearTimeout(timer);
    const left = (deadline - Date.now()) / 1000;
    if (left > WARN) {
      hideBanner();
      timer = setTimeout(check, (left - WARN) * 1000);
    } else if (left > 0) {
      showBanner(left);
      timer = setTimeout(check, Math.min(left, 10) * 1000);
    } else {
      check();
    }
  };

  const expired = () => {
    saveDraft();
    location.assign(`${loginUrl}?next=${encodeURIComponent(location.pathname + location.search)}`);
  };

  // Ask the server (another tab may have kept the session alive) before warning or leaving.
  const check = () => {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : { remaining: 0 }))
      .then((data) => {
        if (!data || !(data.remaining > 0)) return expired();
        deadline = Date.now() + data.remaining * 1000;
        schedule();
      })
      .catch(() => { timer = setTimeout(check, 15000); });
  };

  const keepalive = (now) => {
    if (!now && Date.now() - lastKeepalive < KEEPALIVE_EVERY) return;
    lastKeepalive = Date.now();
    fetch(statusUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then((r) => (r.ok ? r.json() : { remaining: 0 }))
      .then((data) => {
        if (!data || !(data.remaining > 0)) return expired();
        deadline = Date.now() + data.remaining * 1000;
        schedule();
      })
      .catch(() => {});
  };

  // Typing in a form is activity: keep the session (at most one request a minute) and the draft.
  document.addEventListener("input", () => { keepalive(false); saveDraft(); });
  schedule();
})();
