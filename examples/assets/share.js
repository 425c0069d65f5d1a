// "Share" buttons copy the page's address. The button's data-cjm-event="share" records it.
(function () {
  'use strict';
  document.querySelectorAll('[data-copy-link]').forEach(function (button) {
    button.addEventListener('click', function () {
      var result = button.parentElement.querySelector('[data-copy-result]');
      var done = function (text) {
        if (result) result.textContent = text;
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(location.href).then(
          function () {
            done('Link copied');
          },
          function () {
            done(location.href);
          },
        );
      } else done(location.href);
    });
  });
})();
