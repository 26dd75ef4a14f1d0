// The admin's two-box selectors (SelectFilter2.js) label their search icons with aria-label on a
// plain <span>, which assistive technology ignores: give them the role of an image they name.
// Runs after the admin's own load handlers, which build those boxes.
window.addEventListener("load", () => {
  document.querySelectorAll("span.search-label-icon[aria-label]:not([role])").forEach((icon) => {
    icon.setAttribute("role", "img");
  });
});
