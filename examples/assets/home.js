// Home page: the newsletter form. cjm records form start / submit / abandon for it
// (data-cjm-form="newsletter"); the address itself is never read by cjm.
(function () {
  'use strict';
  var form = document.querySelector('[data-newsletter]');
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    form.querySelector('[data-newsletter-result]').textContent = 'Thanks! Watch your inbox.';
    form.reset();
  });
})();
