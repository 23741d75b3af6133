// Send Django's CSRF token with every htmx request (the token is in a <meta> tag of base.html).
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
});
// The phone menu: a button that opens and closes the navigation.
document.addEventListener("click", function (event) {
  var toggle = event.target.closest("[data-nav-toggle]");
  if (!toggle) { return; }
  var nav = document.getElementById(toggle.getAttribute("aria-controls"));
  var open = toggle.getAttribute("aria-expanded") === "true";
  toggle.setAttribute("aria-expanded", String(!open));
  nav.classList.toggle("is-open", !open);
});
