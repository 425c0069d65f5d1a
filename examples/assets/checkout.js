// Checkout steps: account (sign_up), shipping (add_shipping_info), payment (add_payment_info).
// Each form carries its step in data-cjm-checkout; cjm records it when the form is submitted,
// which the browser only allows once the form is valid. Card checks (Luhn, expiry) use
// setCustomValidity, so a wrong card number fails validation the same way and cjm records a
// form_error pain point. Card data never leaves this page — it is a demo.
(function () {
  'use strict';
  var items = shop.items();
  var shipping = shop.read('shop_shipping', { tier: 'standard' });

  function renderSummary() {
    var lines = document.querySelector('[data-summary-lines]');
    if (!lines) return;
    lines.textContent = items.length
      ? items
          .map(function (i) {
            return i.quantity + ' × ' + i.item_name;
          })
          .join(', ')
      : 'Your cart is empty.';
    var subtotal = shop.subtotal(items);
    var cost = shop.shippingCost(shipping.tier, subtotal);
    document.querySelector('[data-subtotal]').textContent = shop.money(subtotal);
    document.querySelector('[data-shipping]').textContent = shop.money(cost);
    document.querySelector('[data-total]').textContent = shop.money(subtotal + cost);
  }
  renderSummary();

  // Step 1: create an account (or continue when signed in).
  var signup = document.querySelector('[data-signup]');
  if (signup) {
    var signedIn = !!shop.user();
    document.querySelector('[data-signed-in]').hidden = !signedIn;
    document.querySelector('[data-signed-out]').hidden = signedIn;
    signup.addEventListener('submit', function (e) {
      e.preventDefault();
      var user = { id: shop.userIdFor(signup.email.value), persona: signup.persona.value };
      shop.setUser(user);
      // Links this visitor's journey so far to the new customer, with the persona they chose.
      cjm.identify(user.id, { persona: user.persona });
      location.assign('/demo/checkout/shipping/');
    });
  }

  // Step 2: shipping address and delivery tier.
  var address = document.querySelector('[data-shipping-form]');
  if (address) {
    address.addEventListener('change', function () {
      address.setAttribute('data-cjm-prop-shipping_tier', address.tier.value);
      shipping = { tier: address.tier.value, country: address.country.value };
      renderSummary();
    });
    address.addEventListener('submit', function (e) {
      e.preventDefault();
      // Only what the order needs; the address itself stays in the form.
      shop.write('shop_shipping', { tier: address.tier.value, country: address.country.value });
      location.assign('/demo/checkout/payment/');
    });
  }

  // Step 3: payment.
  var payment = document.querySelector('[data-payment-form]');
  if (payment) {
    var number = payment.querySelector('[data-card-number]');
    var expiry = payment.querySelector('[data-card-expiry]');
    var error = payment.querySelector('[data-payment-error]');

    var luhn = function (digits) {
      var sum = 0;
      for (var i = 0; i < digits.length; i++) {
        var d = +digits[digits.length - 1 - i];
        if (i % 2) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
      }
      return digits.length >= 12 && sum % 10 === 0;
    };
    var checkNumber = function () {
      var digits = number.value.replace(/[\s-]/g, '');
      number.setCustomValidity(!digits || (/^\d+$/.test(digits) && luhn(digits)) ? '' : 'This card number is not valid. Check the digits.');
    };
    var checkExpiry = function () {
      var m = /^(\d{2})\/(\d{2})$/.exec(expiry.value);
      var now = new Date();
      var past = m && (2000 + +m[2] < now.getFullYear() || (2000 + +m[2] === now.getFullYear() && +m[1] < now.getMonth() + 1));
      expiry.setCustomValidity(past ? 'This card has expired.' : '');
    };
    number.addEventListener('input', checkNumber);
    expiry.addEventListener('input', checkExpiry);
    payment.addEventListener(
      'invalid',
      function (e) {
        error.textContent = e.target.validationMessage;
      },
      true,
    );

    payment.addEventListener('submit', function (e) {
      e.preventDefault();
      error.textContent = '';
      var subtotal = shop.subtotal(items);
      var cost = shop.shippingCost(shipping.tier, subtotal);
      // The order id is fixed here, so a reload of the thank-you page resends the same
      // purchase — which cjm stores once per transaction_id.
      shop.setPendingOrder({
        transaction_id: 'NT-' + Date.now().toString(36).toUpperCase() + Math.random().toString(36).slice(2, 5).toUpperCase(),
        value: Math.round((subtotal + cost) * 100) / 100,
        shipping: cost,
        currency: shop.currency,
        items: items,
        date: new Date().toISOString().slice(0, 10),
      });
      location.assign('/demo/thank-you/');
    });

    // Deliberately broken, so the demo has an obstacle to show: the PayPal button only ever
    // says "connecting". Customers click it again and again — cjm records a rage_click.
    var paypal = document.querySelector('[data-paypal]');
    paypal.addEventListener('click', function () {
      paypal.textContent = 'Connecting to PayPal…';
    });
  }
})();
