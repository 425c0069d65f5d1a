// Forms: start (first input), submit, abandon (started, then left without submitting), and
// failed validation as a pain point. Field values are never read — only form and field names.
import type { Emit } from './types';
import type { Tracker } from '../tracker-types';
import type { EventType } from '../schema';
import { onHidden } from '../lib/lifecycle';
import { inherited, propsOf } from '../lib/dom';

const STARTED = 1;
const DONE = 2;

/** The `input`, `submit` and `invalid` handler; also books abandoned forms when the page is hidden. */
export const forms = (t: Tracker, emit: Emit) => {
  const forms = new Map<HTMLFormElement, number>();
  // Far in the past: event timestamps count from page load, so 0 would drop an attempt in the first 500 ms.
  let lastInvalid = -1e3;

  const nameOf = (f: HTMLFormElement) => f.dataset.cjmForm || f.id || f.getAttribute('name') || 'form';
  /** Touchpoint of a form's events, its checkout step included: data-cjm-touchpoint, else its name. */
  const at = (f: HTMLFormElement) => inherited(f, 'cjm-touchpoint') || nameOf(f);
  const send = (f: HTMLFormElement, name: string, type: EventType = 'event', props = {}) =>
    emit(type, name, { form: nameOf(f), ...props }, f, at(f));

  onHidden(() => {
    forms.forEach((state, f) => {
      if (state == STARTED) send(f, 'form_abandon');
      forms.set(f, DONE);
    });
    // This may run after the tracker's own flush on hide (when loaded lazily): send now.
    t.flush();
  });

  return (e: Event) => {
    const type = e.type;
    const field = e.target as HTMLInputElement;
    const f = field.form || (field.closest?.('form') as HTMLFormElement);
    if (!f || f.closest('[data-cjm-ignore]')) return;
    if (type == 'input') {
      if (!forms.get(f)) send(f, 'form_start');
      forms.set(f, forms.get(f) || STARTED);
    } else if (type == 'submit') {
      forms.set(f, DONE);
      send(f, 'form_submit');
      if (f.dataset.cjmCheckout) emit('event', f.dataset.cjmCheckout, propsOf(f), f, at(f));
    } else {
      // `invalid` fires once per failing field of one submit attempt: report the attempt once.
      if (e.timeStamp - lastInvalid > 500) send(f, 'form_error', 'pain', { field: field.name || field.id });
      lastInvalid = e.timeStamp;
    }
  };
};
