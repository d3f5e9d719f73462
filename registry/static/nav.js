// Loaded in the page's head, before the body is drawn; no inline script (the CSP forbids it).
(function () {
  "use strict";
  // Script runs: the header's menu panel closes behind its menu button (without script,
  // html.no-js keeps the panel open and the button hidden, so every link stays reachable).
  document.documentElement.classList.remove("no-js");

  // Lists on a phone are shown as cards (app.css, table.table-cards): each cell is labelled
  // with its column's head, which the hidden table head no longer shows.
  function labelCells(table) {
    var heads = Array.prototype.map.call(
      table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); }
    );
    if (!heads.length) { return; }
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (!cell.hasAttribute("data-label") && heads[column] && cell.colSpan === 1) {
          cell.setAttribute("data-label", heads[column]);
        }
        column += cell.colSpan;
      });
    });
  }
  function labelAll() { document.querySelectorAll("table.table-cards").forEach(labelCells); }
  document.addEventListener("DOMContentLoaded", function () {
    labelAll();
    // Lists refreshed in place (search as you type) are labelled again.
    new MutationObserver(labelAll).observe(document.body, {childList: true, subtree: true});
  });
})();
