// Switch campaign as soon as another one is picked (the <noscript> button does it without JS).
// A static file, not an inline handler: the content security policy allows no inline script.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-submit-on-change]")) {
    event.target.form.submit();
  }
});
