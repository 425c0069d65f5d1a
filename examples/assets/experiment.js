// Campaign landing page A/B test. Loaded without `defer`, so it runs before cjm.js: the
// cjm.track() below goes into the documented inline stub's queue and is replayed, in order,
// once cjm.js has loaded. The variant sticks to this browser.
(function () {
  'use strict';
  var variant;
  try {
    variant = localStorage.getItem('shop_hero_variant');
    if (variant !== 'a' && variant !== 'b') {
      variant = Math.random() < 0.5 ? 'a' : 'b';
      localStorage.setItem('shop_hero_variant', variant);
    }
  } catch (e) {
    variant = 'a';
  }
  document.documentElement.setAttribute('data-variant', variant);
  cjm.track('experiment_view', { experiment: 'spring_sale_hero', variant: variant });
})();
