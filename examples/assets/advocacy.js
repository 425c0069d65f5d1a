// Review and refer-a-friend pages (advocacy). A published review is recorded with
// cjm.track('review', …); copying the referral link and sharing carry data-cjm-event;
// an invitation sent by e-mail is recorded with cjm.track('invite', …).
(function () {
  'use strict';
  var review = document.querySelector('[data-review-form]');
  if (review) {
    var product = new URLSearchParams(location.search).get('product');
    if (product && shop.catalog[product]) review.product.value = product;
    var title = function () {
      document.querySelector('[data-review-product]').textContent = shop.catalog[review.product.value].name;
    };
    title();
    review.product.addEventListener('change', title);
    review.addEventListener('submit', function (e) {
      e.preventDefault();
      cjm.track('review', { item_id: review.product.value, rating: +review.rating.value });
      review.hidden = true;
      document.querySelector('[data-review-done]').hidden = false;
    });
  }

  var link = document.querySelector('[data-referral-link]');
  if (link) {
    var user = shop.user();
    var code = user ? user.id.slice(2, 8).toUpperCase() : 'FRIEND';
    // The link carries utm parameters, so friends who follow it arrive on the "referral" channel.
    link.value = location.origin + '/demo/?ref=' + code + '&utm_source=friend&utm_medium=referral&utm_campaign=refer_a_friend';
    document.querySelector('[data-copy-referral]').addEventListener('click', function () {
      var result = document.querySelector('[data-copy-result]');
      link.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(link.value).then(
          function () {
            result.textContent = 'Copied';
          },
          function () {
            result.textContent = 'Press Ctrl+C to copy';
          },
        );
      } else result.textContent = 'Press Ctrl+C to copy';
    });
    var invite = document.querySelector('[data-invite-form]');
    invite.addEventListener('submit', function (e) {
      e.preventDefault();
      cjm.track('invite', { method: 'email' });
      invite.querySelector('[data-invite-result]').textContent = 'Invitation sent.';
      invite.reset();
    });
  }
})();
