// The review queue: a "select every filing on this page" box for bulk endorsement.
// Without JavaScript the box stays hidden and each row is ticked on its own.
(function () {
  "use strict";

  var all = document.querySelector("[data-select-all]");
  if (!all) return;
  var name = all.getAttribute("data-select-all");
  var form = all.form || all.closest("form");
  function boxes() {
    return Array.prototype.slice.call(
      form.querySelectorAll('input[type=checkbox][name="' + name + '"]')
    );
  }
  function sync() {
    var list = boxes();
    var ticked = list.filter(function (box) { return box.checked; }).length;
    all.checked = list.length > 0 && ticked === list.length;
    all.indeterminate = ticked > 0 && ticked < list.length;
  }
  if (!boxes().length) return;
  all.hidden = false;
  all.addEventListener("change", function () {
    boxes().forEach(function (box) { box.checked = all.checked; });
  });
  form.addEventListener("change", function (event) {
    if (event.target !== all && event.target.name === name) sync();
  });
  sync();
})();
