// Behaviour shared by every page; no inline script (the CSP forbids it).
(function () {
  "use strict";
  // A button or link with data-confirm asks before it acts.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();
