// A form marked data-busy-form shows that it is working once sent: its buttons are disabled
// (so a long import is not sent twice) and its progress region shows what is being done, in
// the words of the pressed button's data-busy-message. The request is one page load, so the
// bar is indeterminate: nothing on the server reports how far it has gone.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-busy-form") || event.defaultPrevented) { return; }
    if (form.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
    var submitter = event.submitter;
    if (submitter && submitter.name) {
      // A disabled button is not sent: its name and value go in a hidden field instead.
      var pressed = document.createElement("input");
      pressed.type = "hidden";
      pressed.name = submitter.name;
      pressed.value = submitter.value;
      pressed.setAttribute("data-busy-pressed", "");
      form.appendChild(pressed);
    }
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
      button.disabled = true;
    });
    var region = form.querySelector("[data-busy-region]");
    if (region) {
      var text = region.querySelector("[data-busy-text]");
      if (text) {
        text.textContent = (submitter && submitter.getAttribute("data-busy-message")) || "";
      }
      region.hidden = false;
    }
  });
  // Back to a page the browser kept: the form is ready again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-busy-form][aria-busy=true]").forEach(function (form) {
      form.removeAttribute("aria-busy");
      form.querySelectorAll("[data-busy-pressed]").forEach(function (e) { e.remove(); });
      form.querySelectorAll("button, input[type=submit]").forEach(function (b) { b.disabled = false; });
      var region = form.querySelector("[data-busy-region]");
      if (region) { region.hidden = true; }
    });
  });
})();
