// Product pages and the tent comparison: "Add to cart" puts the item in the cart and opens it.
// The button's data-cjm-checkout="add_to_cart" is what cjm records; this only runs the shop.
(function () {
  'use strict';
  document.querySelectorAll('[data-add-to-cart]').forEach(function (button) {
    button.addEventListener('click', function () {
      shop.addToCart(button.getAttribute('data-add-to-cart'), 1);
      location.assign('/demo/cart/');
    });
  });

  // Deliberately broken, so the demo has a JavaScript error to show: the store-stock widget
  // calls a store finder that "failed to load". cjm records the uncaught TypeError as a
  // js_error pain point of this page.
  document.querySelectorAll('[data-store-stock]').forEach(function (button) {
    button.addEventListener('click', function () {
      var finder = window.storeFinder;
      button.nextElementSibling.textContent = 'Looking…';
      finder.lookup(location.pathname);
    });
  });
})();
