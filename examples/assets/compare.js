// Tent comparison: "Show differences only" hides rows where both tents agree.
(function () {
  'use strict';
  var table = document.querySelector('[data-compare]');
  table.querySelectorAll('tr').forEach(function (row) {
    var cells = row.querySelectorAll('td');
    if (cells.length === 2 && !cells[0].querySelector('button') && cells[0].textContent === cells[1].textContent) {
      row.classList.add('diff-same');
    }
  });
  document.querySelector('[data-only-diff]').addEventListener('change', function (e) {
    table.classList.toggle('only-diff', e.target.checked);
  });
})();
