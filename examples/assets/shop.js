// Northtrail Outfitters, the cjm demo shop: catalog, cart, orders and the signed-in customer,
// all kept in this browser's localStorage (a real shop keeps them on its server). Every page
// loads this file first; page scripts use `window.shop`. Nothing here measures anything: the
// pages' data-cjm-* attributes and a few cjm.* calls in the page scripts do that.
(function () {
  'use strict';

  var CATALOG = {
    'trail-runner': { name: 'Ridgeline Trail Runner', price: 129, category: 'Footwear', thumb: '' },
    'summit-tent': { name: 'Summit 2 Tent', price: 349, category: 'Tents', thumb: 'tent' },
    'basecamp-tent': { name: 'Basecamp 4 Tent', price: 489, category: 'Tents', thumb: 'tent' },
    'down-jacket': { name: 'Featherline Down Jacket', price: 219, category: 'Jackets', thumb: 'jacket' },
    headlamp: { name: 'Lumen 400 Headlamp', price: 39, category: 'Accessories', thumb: 'lamp' },
    'trail-club': { name: 'Trail Club membership (1 year)', price: 29, category: 'Membership', thumb: '' },
  };
  var CURRENCY = 'EUR';
  var KEYS = { cart: 'shop_cart', orders: 'shop_orders', user: 'shop_user', pending: 'shop_pending_order' };

  function read(key, fallback) {
    try {
      return JSON.parse(localStorage.getItem(key)) || fallback;
    } catch (e) {
      return fallback;
    }
  }
  function write(key, value) {
    try {
      if (value === undefined) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      // Private mode or a full quota: the demo keeps working for this page.
    }
  }

  /** The cart as GA4-style items: item_id, item_name, price, quantity. */
  function items() {
    return read(KEYS.cart, [])
      .filter(function (line) {
        return CATALOG[line.id];
      })
      .map(function (line) {
        var p = CATALOG[line.id];
        return { item_id: line.id, item_name: p.name, item_category: p.category, price: p.price, quantity: line.qty };
      });
  }

  function subtotal(list) {
    return (list || items()).reduce(function (sum, i) {
      return sum + i.price * i.quantity;
    }, 0);
  }

  function addToCart(id, qty) {
    var cart = read(KEYS.cart, []);
    var line = cart.find(function (l) {
      return l.id === id;
    });
    if (line) line.qty += qty || 1;
    else cart.push({ id: id, qty: qty || 1 });
    write(KEYS.cart, cart);
    renderCartCount();
  }

  function removeFromCart(id) {
    write(
      KEYS.cart,
      read(KEYS.cart, []).filter(function (l) {
        return l.id !== id;
      }),
    );
    renderCartCount();
  }

  function money(amount) {
    return new Intl.NumberFormat('en-IE', { style: 'currency', currency: CURRENCY }).format(amount);
  }

  /** Shipping cost of a tier: standard is free from €100. */
  function shippingCost(tier, amount) {
    if (tier === 'express') return 14.9;
    return amount >= 100 ? 0 : 4.9;
  }

  /** A short, stable, non-reversible id for an e-mail address (cjm never sees the address). */
  function userIdFor(email) {
    var h = 2166136261;
    var s = String(email).trim().toLowerCase();
    for (var i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return 'u_' + (h >>> 0).toString(36);
  }

  function renderCartCount() {
    var count = read(KEYS.cart, []).reduce(function (n, l) {
      return n + l.qty;
    }, 0);
    document.querySelectorAll('[data-cart-count]').forEach(function (el) {
      el.textContent = String(count);
    });
  }

  /** Fills [data-price="id"] and [data-name="id"] placeholders from the catalog. */
  function renderCatalogText() {
    document.querySelectorAll('[data-price]').forEach(function (el) {
      var p = CATALOG[el.getAttribute('data-price')];
      if (p) el.textContent = money(p.price);
    });
  }

  function renderUser() {
    var user = read(KEYS.user, null);
    document.querySelectorAll('[data-account-link]').forEach(function (el) {
      el.textContent = user ? 'My account' : 'Log in';
      el.setAttribute('href', user ? '/demo/account/' : '/demo/account/login/');
    });
  }

  window.shop = {
    catalog: CATALOG,
    currency: CURRENCY,
    items: items,
    subtotal: subtotal,
    addToCart: addToCart,
    removeFromCart: removeFromCart,
    clearCart: function () {
      write(KEYS.cart, undefined);
      renderCartCount();
    },
    setCart: function (lines) {
      write(KEYS.cart, lines);
      renderCartCount();
    },
    money: money,
    shippingCost: shippingCost,
    userIdFor: userIdFor,
    user: function () {
      return read(KEYS.user, null);
    },
    setUser: function (user) {
      write(KEYS.user, user || undefined);
      renderUser();
    },
    orders: function () {
      return read(KEYS.orders, []);
    },
    saveOrder: function (order) {
      var orders = read(KEYS.orders, []);
      if (
        !orders.some(function (o) {
          return o.transaction_id === order.transaction_id;
        })
      )
        orders.unshift(order);
      write(KEYS.orders, orders);
    },
    pendingOrder: function () {
      return read(KEYS.pending, null);
    },
    setPendingOrder: function (order) {
      write(KEYS.pending, order);
    },
    read: read,
    write: write,
  };

  function ready() {
    renderCartCount();
    renderCatalogText();
    renderUser();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready);
  else ready();
})();
