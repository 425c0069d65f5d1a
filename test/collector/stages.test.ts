// The collector's stage rules (docs/journey.md): name defaults, then the visitor's progress.
import { describe, expect, it } from 'vitest';
import { advance, inferStage, type Progress } from '../../collector/journey/stages';

const fresh: Progress = { reached: -1, purchases: 0 };

describe('stage by event name', () => {
  it.each([
    ['view_item', 'checkout', 'decision'],
    ['add_to_cart', 'event', 'decision'],
    ['begin_checkout', 'checkout', 'decision'],
    ['sign_up', 'checkout', 'decision'],
    ['purchase', 'checkout', 'decision'],
    ['refund', 'checkout', 'retention'],
    ['reorder', 'event', 'retention'],
    ['account', 'event', 'retention'],
    ['support_contact', 'event', 'retention'],
    ['ticket_solved', 'event', 'retention'],
    ['order_shipped', 'event', 'retention'],
    ['review', 'event', 'advocacy'],
    ['share', 'event', 'advocacy'],
    ['referral', 'event', 'advocacy'],
  ])('%s (%s) → %s', (name, type, stage) => {
    expect(inferStage(name, type, fresh)).toBe(stage);
  });

  it('a purchase by a visitor who purchased before is retention', () => {
    expect(inferStage('purchase', 'checkout', { reached: 2, purchases: 1 })).toBe('retention');
  });

  it('only maps to stages the site has', () => {
    const three = ['awareness', 'consideration', 'decision'];
    expect(inferStage('review', 'event', fresh, three)).toBe('awareness');
    expect(inferStage('purchase', 'checkout', fresh, three)).toBe('decision');
    expect(inferStage('purchase', 'checkout', { reached: 2, purchases: 1 }, three)).toBe('decision');
  });
});

describe('stage by progress', () => {
  it('a new visitor starts at the first stage', () => {
    expect(inferStage('/about', 'pageview', fresh)).toBe('awareness');
    expect(inferStage('/x', 'pageview', fresh, ['acquisition', 'onboarding', 'engagement'])).toBe('acquisition');
  });

  it('never moves backwards without a signal', () => {
    let p = advance(fresh, 'awareness', '/blog');
    p = advance(p, 'decision', 'add_to_cart');
    expect(inferStage('/about', 'pageview', p)).toBe('decision');
    p = advance(p, 'awareness', '/blog/other'); // an explicit earlier stage is stored as such…
    expect(inferStage('/contact', 'pageview', p)).toBe('decision'); // …but progress stays
  });

  it('after a purchase the visitor is at least in retention', () => {
    const p = advance(advance(fresh, 'decision', 'add_to_cart'), 'decision', 'purchase');
    expect(p.purchases).toBe(1);
    expect(inferStage('/', 'pageview', p)).toBe('retention');
  });
});
