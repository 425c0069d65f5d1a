// Feedback widgets: each face is a submit button with data-cjm-feedback="1".."5", which cjm
// records (with the [data-cjm-comment] text of the same form) as how the customer felt at
// this touchpoint. This only thanks them and keeps the page where it is.
(function () {
  'use strict';
  document.querySelectorAll('[data-feedback-form]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      form.querySelector('[data-feedback-result]').textContent = 'Thank you — we read every answer.';
      form.querySelectorAll('button').forEach(function (b) {
        b.disabled = true;
      });
    });
  });
})();
