/**
 * The page's only script: the findings filters and the live count, and opening every
 * row and <details> for printing. Vanilla, no network, allowed by its CSP hash.
 */
export const SCRIPT = `(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("findings-table");
  if (!form || !table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var count = document.getElementById("finding-count");
  var empty = document.getElementById("no-match");
  function value(name) { return form.elements.namedItem(name).value; }
  function apply() {
    var severity = value("severity"), check = value("check"), status = value("status");
    var text = value("text").trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row, i) {
      var match = (!severity || row.dataset.severity === severity) &&
        (!check || row.dataset.check === check) &&
        (!status || row.dataset.status === status) &&
        (!text || texts[i].indexOf(text) !== -1);
      row.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = shown + " of " + rows.length + " findings shown";
    empty.hidden = shown !== 0;
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  // The reset event fires before the fields are reset, so the button resets and then filters.
  document.getElementById("f-clear").addEventListener("click", function () { form.reset(); apply(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
  var restore = [];
  window.addEventListener("beforeprint", function () {
    restore = [];
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; restore.push(function () { d.open = false; }); });
    rows.forEach(function (r) { if (r.hidden) { r.hidden = false; restore.push(function () { r.hidden = true; }); } });
  });
  window.addEventListener("afterprint", function () { restore.forEach(function (f) { f(); }); restore = []; });
})();`;
