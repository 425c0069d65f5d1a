// Cart: lists the items. The page view itself is the view_cart step (a URL rule in the
// script tag's data-checkout); "Remove" buttons and "Checkout" carry data-cjm-checkout steps
// whose value props this script keeps up to date.
(function () {
  'use strict';
  function render() {
    var items = shop.items();
    document.querySelector('[data-cart-empty]').hidden = items.length > 0;
    document.querySelector('[data-cart-full]').hidden = items.length === 0;
    var body = document.querySelector('[data-cart-lines]');
    body.textContent = '';
    items.forEach(function (item) {
      var row = document.createElement('tr');
      row.innerHTML = '<td><a></a></td><td></td><td></td><td><button type="button" class="secondary">Remove</button></td>';
      var link = row.querySelector('a');
      link.textContent = item.item_name;
      link.href = shop.catalog[item.item_id].category === 'Membership' ? '/demo/pricing/' : '/demo/products/' + item.item_id + '/';
      row.children[1].textContent = shop.money(item.price);
      row.children[2].textContent = String(item.quantity);
      var remove = row.querySelector('button');
      remove.setAttribute('data-cjm-checkout', 'remove_from_cart');
      remove.setAttribute('data-cjm-prop-item_id', item.item_id);
      remove.setAttribute('data-cjm-prop-value', String(item.price * item.quantity));
      remove.setAttribute('data-cjm-prop-currency', shop.currency);
      remove.addEventListener('click', function () {
        shop.removeFromCart(item.item_id);
        render();
      });
      body.appendChild(row);
    });
    var subtotal = shop.subtotal(items);
    document.querySelector('[data-subtotal]').textContent = shop.money(subtotal);
    document.querySelector('[data-shipping]').textContent = shop.money(shop.shippingCost('standard', subtotal));
    document.querySelector('[data-checkout-button]').setAttribute('data-cjm-prop-value', String(subtotal));
  }
  render();
})();
