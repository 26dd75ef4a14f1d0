// After a failed submit the error summary (templates/bootstrap5/errors.html) takes the focus, so
// a screen reader reads it and a keyboard user starts from it; its links move the focus to the
// field. The page title says 错误： too. A static file: the content security policy allows no
// inline script.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  if (!document.title.startsWith("错误：")) document.title = `错误：${document.title}`;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  });
});
