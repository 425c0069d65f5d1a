// Thank-you page: records the purchase with cjm.track (GA4 names and props), files the order
// in the order history and empties the cart. A reload sends the purchase again with the same
// transaction_id; the collector stores it once.
(function () {
  'use strict';
  var order = shop.pendingOrder();
  document.querySelector('[data-order]').hidden = !order;
  document.querySelector('[data-no-order]').hidden = !!order;
  if (!order) return;

  cjm.track('purchase', {
    transaction_id: order.transaction_id,
    value: order.value,
    currency: order.currency,
    shipping: order.shipping,
    items: order.items.map(function (i) {
      return { item_id: i.item_id, item_name: i.item_name, price: i.price, quantity: i.quantity };
    }),
  });

  shop.saveOrder(order);
  shop.clearCart();
  document.querySelector('[data-order-id]').textContent = order.transaction_id;
  document.querySelector('[data-order-total]').textContent = shop.money(order.value);
  var lines = document.querySelector('[data-order-lines]');
  order.items.forEach(function (i) {
    var row = document.createElement('tr');
    row.innerHTML = '<td></td><td></td><td></td>';
    row.children[0].textContent = i.item_name;
    row.children[1].textContent = String(i.quantity);
    row.children[2].textContent = shop.money(i.price * i.quantity);
    lines.appendChild(row);
  });
})();
