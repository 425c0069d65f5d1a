// Account pages. Log in: links this browser's visitor to the customer with cjm.identify
// (the id is a hash of the e-mail; cjm never sees the address). Account: order history with
// "Order again" (data-cjm-event="reorder") and order tracking (data-cjm-event="track_order").
(function () {
  'use strict';
  var login = document.querySelector('[data-login]');
  if (login) {
    login.addEventListener('submit', function (e) {
      e.preventDefault();
      var id = shop.userIdFor(login.email.value);
      var known = shop.user();
      var user = { id: id, persona: known && known.id === id ? known.persona : 'returning-customer' };
      shop.setUser(user);
      cjm.identify(user.id, { persona: user.persona });
      var next = new URLSearchParams(location.search).get('next');
      location.assign(next && /^\/demo\//.test(next) ? next : '/demo/account/');
    });
    return;
  }

  var user = shop.user();
  document.querySelector('[data-signed-in]').hidden = !user;
  document.querySelector('[data-signed-out]').hidden = !!user;
  if (!user) return;
  document.querySelector('[data-persona]').textContent = 'shopping as ' + user.persona.replace(/-/g, ' ');
  document.querySelector('[data-logout]').addEventListener('click', function () {
    shop.setUser(null);
    location.assign('/demo/');
  });

  // A real shop reads the history from its server; in a new browser the demo shows two
  // earlier orders so that "Order again" has something to repeat.
  var orders = shop.orders();
  if (!orders.length) {
    orders = [
      {
        transaction_id: 'NT-2025-0412',
        date: '2026-04-12',
        value: 168,
        currency: 'EUR',
        items: [
          { item_id: 'trail-runner', item_name: 'Ridgeline Trail Runner', price: 129, quantity: 1 },
          { item_id: 'headlamp', item_name: 'Lumen 400 Headlamp', price: 39, quantity: 1 },
        ],
      },
      {
        transaction_id: 'NT-2025-0918',
        date: '2025-09-18',
        value: 219,
        currency: 'EUR',
        items: [{ item_id: 'down-jacket', item_name: 'Featherline Down Jacket', price: 219, quantity: 1 }],
      },
    ];
  }

  var body = document.querySelector('[data-orders]');
  orders.forEach(function (order) {
    var row = document.createElement('tr');
    row.innerHTML = '<td></td><td></td><td></td><td></td><td class="row"></td>';
    row.children[0].textContent = order.transaction_id;
    row.children[1].textContent = order.date;
    row.children[2].textContent = order.items
      .map(function (i) {
        return i.quantity + ' × ' + i.item_name;
      })
      .join(', ');
    row.children[3].textContent = shop.money(order.value);

    var again = document.createElement('button');
    again.type = 'button';
    again.textContent = 'Order again';
    again.setAttribute('data-cjm-event', 'reorder');
    again.setAttribute('data-cjm-prop-order_id', order.transaction_id);
    again.setAttribute('data-cjm-prop-value', String(order.value));
    again.addEventListener('click', function () {
      shop.setCart(
        order.items.map(function (i) {
          return { id: i.item_id, qty: i.quantity };
        }),
      );
      location.assign('/demo/cart/');
    });

    var track = document.createElement('button');
    track.type = 'button';
    track.className = 'secondary';
    track.textContent = 'Track';
    track.setAttribute('data-cjm-event', 'track_order');
    track.setAttribute('data-cjm-prop-order_id', order.transaction_id);
    track.addEventListener('click', function () {
      document.querySelector('[data-track-result]').textContent = order.transaction_id + ': delivered.';
    });

    var review = document.createElement('a');
    review.textContent = 'Review';
    review.href = '/demo/review/?product=' + encodeURIComponent(order.items[0].item_id);

    row.children[4].append(again, track, review);
    body.appendChild(row);
  });
})();
