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

  // Screen readers do not read a live region that arrives with new content, so what the
  // refreshed results say (how many were found) is spoken through one region that stays.
  var status = null;
  function announce(text) {
    if (!status) {
      status = document.createElement("div");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      (document.querySelector("main") || document.body).appendChild(status);
    }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text.trim(); }, 100);
  }

  // Search as you type: a GET form with data-live-search="<selector>" refreshes the element
  // matching the selector from the server's answer while the user types or changes a filter.
  // Without script the form's own button does the same, so nothing depends on this.
  function liveSearch(form) {
    var selector = form.getAttribute("data-live-search");
    var timer = null;
    var latest = 0;
    function refresh() {
      var region = document.querySelector(selector);
      if (!region) { return; }
      var url = form.action.split("?")[0] + "?" + new URLSearchParams(new FormData(form)).toString();
      var ticket = ++latest;
      region.setAttribute("aria-busy", "true");
      fetch(url, {headers: {"X-Requested-With": "fetch"}, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
        .then(function (html) {
          if (ticket !== latest) { return; }  // a newer search has been sent meanwhile
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(selector);
          if (fresh) {
            region.replaceWith(fresh);
            window.history.replaceState(null, "", url);
            scrollableByKeyboard();
            var count = fresh.querySelector("[aria-live]");
            if (count) { announce(count.textContent); }
          }
        })
        .catch(function () { form.submit(); })
        .finally(function () {
          var current = document.querySelector(selector);
          if (current) { current.removeAttribute("aria-busy"); }
        });
    }
    function soon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 250);
    }
    form.addEventListener("input", function (event) {
      if (event.target.type === "search" || event.target.type === "text") { soon(); }
    });
    form.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT") { soon(); }
    });
  }
  document.querySelectorAll("form[data-live-search]").forEach(liveSearch);

  // A table wider than the screen scrolls sideways inside its .table-responsive box; the box
  // then takes the keyboard focus, so the arrow keys scroll it (WCAG 2.1.1). A box that does
  // not scroll stays out of the tab order.
  function scrollableByKeyboard() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
        var caption = box.querySelector("caption");
        if (caption && caption.textContent.trim()) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", caption.textContent.trim());
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  scrollableByKeyboard();
  window.addEventListener("resize", scrollableByKeyboard);
})();
