// The header's menu on narrow screens: a disclosure. Without this script the "Menu" link opens
// the menu through its #menu anchor (site.css); with it, the link becomes a button that says
// whether the menu is open (aria-expanded), and Escape closes the menu again.
(function () {
  "use strict";
  var header = document.querySelector("[data-menu]");
  var link = header && header.querySelector("[data-menu-button]");
  var menu = document.getElementById("menu");
  if (!link || !menu) return;

  var button = document.createElement("button");
  button.type = "button";
  button.className = link.className;
  button.setAttribute("aria-controls", "menu");
  while (link.firstChild) button.appendChild(link.firstChild);
  link.replaceWith(button);

  function setOpen(open) {
    button.setAttribute("aria-expanded", String(open));
    header.setAttribute("data-menu", open ? "open" : "closed");
  }

  setOpen(false);
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();
