// Repeatable rows for Django formsets, without a page reload.
// "Add a row" clones the section's <template> (the formset's empty_form) with the next
// index; "Remove this row" ticks the row's DELETE box and hides it, so the server drops it
// on save and nothing else on the page is touched.
(function () {
  "use strict";

  function totalFormsInput(prefix) {
    return document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  }

  function visibleRows(prefix) {
    var container = document.querySelector('[data-formset-rows="' + prefix + '"]');
    return container.querySelectorAll("[data-formset-row]:not([hidden])").length;
  }

  function updateEmptyNote(prefix) {
    var note = document.querySelector('[data-formset-empty-note="' + prefix + '"]');
    if (note) note.hidden = visibleRows(prefix) > 0;
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-formset-add]");
    if (add) {
      var prefix = add.getAttribute("data-formset-add");
      var total = totalFormsInput(prefix);
      var index = parseInt(total.value, 10);
      var template = document.getElementById(prefix + "-empty");
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var container = document.querySelector('[data-formset-rows="' + prefix + '"]');
      container.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var row = container.lastElementChild;
      // The focus goes to the new row's first field (not to its hidden DELETE box).
      var first = Array.prototype.find.call(
        row.querySelectorAll("input:not([type=hidden]), select, textarea"),
        function (field) { return !/-DELETE$/.test(field.name) && field.getClientRects().length; }
      );
      if (first) first.focus();
      updateEmptyNote(prefix);
      return;
    }
    var remove = event.target.closest("[data-formset-remove]");
    if (remove) {
      var row = remove.closest("[data-formset-row]");
      var deleteBox = row.querySelector('input[type=checkbox][name$="-DELETE"]');
      if (deleteBox) deleteBox.checked = true;
      row.hidden = true;
      var rows = row.closest("[data-formset-rows]");
      updateEmptyNote(rows.getAttribute("data-formset-rows"));
      var addButton = document.querySelector('[data-formset-add="' + rows.getAttribute("data-formset-rows") + '"]');
      if (addButton) addButton.focus();
    }
  });

  // A page that comes back with an error (nothing was saved) puts the focus on the message,
  // so that a screen reader reads it first and the keyboard goes on from there.
  var errorMessage = document.querySelector("[data-focus-on-load]");
  if (errorMessage) errorMessage.focus();

  // A certify button is pressed once: a double click must not send two requests.
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("[data-once]");
    if (!button) return;
    if (button.dataset.sent) {
      event.preventDefault();
      return;
    }
    button.dataset.sent = "1";
  });
})();
