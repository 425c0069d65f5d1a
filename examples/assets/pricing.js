// Pricing: "Join the Trail Club" puts the membership in the cart (data-cjm-checkout="add_to_cart").
(function () {
  'use strict';
  document.querySelectorAll('[data-join]').forEach(function (button) {
    button.addEventListener('click', function () {
      shop.addToCart(button.getAttribute('data-join'), 1);
      location.assign('/demo/cart/');
    });
  });
})();
