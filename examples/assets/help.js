// Help page: "Chat with us" (data-cjm-event="contact_support") opens a pretend chat.
(function () {
  'use strict';
  var contact = document.querySelector('[data-contact]');
  contact.addEventListener('click', function () {
    document.querySelector('[data-contact-result]').textContent = 'Ines from our team will answer in about 5 minutes.';
  });
})();
