// Forms: start (first input), submit, abandon (started, then left without submitting), and
// failed validation as a pain point. Field values are never read — only form and field names.
import type { Tracker } from '../tracker';
import type { EventType } from '../schema';
import { on, onHidden } from '../lib/lifecycle';
import { propsOf } from '../lib/dom';

const STARTED = 1;
const DONE = 2;

export const trackForms = (t: Tracker): void => {
  const forms = new Map<HTMLFormElement, number>();
  // Far in the past: event timestamps count from page load, so 0 would drop an attempt in the first 500 ms.
  let lastInvalid = -1e3;

  const send = (f: HTMLFormElement, name: string, type: EventType = 'event', props = {}) => {
    const form = f.dataset.cjmForm || f.id || f.getAttribute('name') || 'form';
    t.emit(type, name, { form, ...props }, f, form);
  };

  for (const type of ['input', 'submit', 'invalid'])
    on(type, (e) => {
      const field = e.target as HTMLInputElement;
      const f = field.form || (field.closest?.('form') as HTMLFormElement);
      if (!f || f.closest('[data-cjm-ignore]')) return;
      if (type == 'input') {
        if (!forms.get(f)) send(f, 'form_start');
        forms.set(f, forms.get(f) || STARTED);
      } else if (type == 'submit') {
        forms.set(f, DONE);
        send(f, 'form_submit');
        if (f.dataset.cjmCheckout) t.emit('event', f.dataset.cjmCheckout, propsOf(f), f);
      } else {
        // `invalid` fires once per failing field of one submit attempt: report the attempt once.
        if (e.timeStamp - lastInvalid > 500) send(f, 'form_error', 'pain', { field: field.name || field.id });
        lastInvalid = e.timeStamp;
      }
    });

  onHidden(() =>
    forms.forEach((state, f) => {
      if (state == STARTED) send(f, 'form_abandon');
      forms.set(f, DONE);
    }),
  );
};
