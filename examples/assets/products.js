// Product list: filters the cards by the header search (?q=…). cjm records the search term by
// itself from the q parameter of the page view (data-search, default q,s,search,query).
(function () {
  'use strict';
  var q = (new URLSearchParams(location.search).get('q') || '').trim().toLowerCase();
  if (!q) return;
  var shown = 0;
  document.querySelectorAll('[data-product]').forEach(function (card) {
    var match = card.getAttribute('data-keywords').indexOf(q) >= 0;
    card.hidden = !match;
    if (match) shown++;
  });
  document.querySelector('[data-search-summary]').textContent = shown + ' result' + (shown === 1 ? '' : 's') + ' for “' + q + '”';
  document.querySelector('[data-no-results]').hidden = shown > 0;
  var input = document.querySelector('input[name="q"]');
  if (input) input.value = q;
})();
