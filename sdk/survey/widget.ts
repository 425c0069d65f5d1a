// The survey widget: one question in a small dialog fixed to the corner of the window, so the
// page's layout never moves. Accessible: a labelled dialog that takes focus and keeps it (Tab
// cycles inside), Escape or the close button dismisses it and gives focus back, native radio,
// checkbox and text controls, a status line read out on thanks; motion only without
// prefers-reduced-motion. Every question, choice and answer is set as text, never as HTML.
// Themable with CSS variables on any ancestor (docs/surveys.md): --cjm-survey-bg, -fg,
// -accent, -accent-fg, -border, -radius, -font, -z.
import type { Props } from '../schema';
import type { Survey } from '../survey-schema';

const CSS = `.cjm-survey{position:fixed;right:16px;bottom:16px;z-index:var(--cjm-survey-z,2147483000);box-sizing:border-box;width:min(22rem,calc(100vw - 32px));max-height:calc(100vh - 32px);overflow:auto;padding:16px;
background:var(--cjm-survey-bg,#fff);color:var(--cjm-survey-fg,#1a1a1a);border:1px solid var(--cjm-survey-border,#8a8a8a);border-radius:var(--cjm-survey-radius,10px);
font:15px/1.4 var(--cjm-survey-font,system-ui,sans-serif);box-shadow:0 6px 24px rgba(0,0,0,.2);animation:cjm-survey-in .2s ease-out}
@keyframes cjm-survey-in{from{opacity:0;transform:translateY(12px)}}
@media (prefers-reduced-motion:reduce){.cjm-survey{animation:none}}
.cjm-survey *{box-sizing:border-box;font:inherit;color:inherit}
.cjm-survey fieldset{border:0;margin:0;padding:0;min-width:0}
.cjm-survey legend{font-weight:600;padding:0 28px 8px 0}
.cjm-survey label{display:flex;gap:8px;align-items:center;padding:3px 0}
.cjm-survey .cjm-scale{display:flex;flex-wrap:wrap;gap:4px}
.cjm-survey .cjm-scale label{flex:1 0 2.2em;flex-direction:column;gap:2px;padding:4px 0;text-align:center}
.cjm-survey .cjm-ends{display:flex;justify-content:space-between;font-size:13px;opacity:.85}
.cjm-survey textarea,.cjm-survey input[type=text]{width:100%;padding:6px;background:var(--cjm-survey-bg,#fff);border:1px solid var(--cjm-survey-border,#8a8a8a);border-radius:4px}
.cjm-survey .cjm-send{margin-top:10px;padding:6px 16px;border:0;border-radius:6px;background:var(--cjm-survey-accent,#1f5fbf);color:var(--cjm-survey-accent-fg,#fff);cursor:pointer}
.cjm-survey .cjm-close{position:absolute;top:8px;right:8px;width:28px;height:28px;border:0;background:none;font-size:20px;line-height:1;cursor:pointer}
.cjm-survey :focus-visible{outline:2px solid var(--cjm-survey-accent,#1f5fbf);outline-offset:2px}`;

/** Longest answer text kept (the collector's prop limit is 500). */
const MAX_TEXT = 500;
let ids = 0;

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]!);
  if (text !== undefined) e.textContent = text;
  return e;
};

/**
 * Shows `d`; calls `answer` with the answer's props when sent, `closed` when the widget is
 * gone (sent or dismissed). Returns the dialog element.
 */
export const showSurvey = (d: Omit<Survey, 'site'>, answer: (props: Props) => void, closed: () => void): HTMLElement => {
  if (!document.getElementById('cjm-survey-css')) document.head.append(el('style', { id: 'cjm-survey-css' }, CSS));
  const n = ++ids;
  const before = document.activeElement as HTMLElement | null;
  const box = el('div', {
    class: 'cjm-survey',
    role: 'dialog',
    'aria-modal': 'true',
    'aria-labelledby': `cjm-q${n}`,
    'data-cjm-ignore': '',
    'data-cjm-survey-id': d.id,
  });
  const form = el('form', { novalidate: '' });
  const set = el('fieldset');
  set.append(el('legend', { id: `cjm-q${n}` }, d.question));
  const name = `cjm-a${n}`;
  const choice = (type: string, value: string, label: string, parent: HTMLElement = set) => {
    const l = el('label');
    l.append(el('input', { type, name, value }), el('span', {}, label));
    parent.append(l);
  };
  let other: HTMLInputElement | undefined;
  if (d.type == 'scale') {
    const row = el('div', { class: 'cjm-scale' });
    for (let i = 1; i <= d.scale!; i++) choice('radio', '' + i, '' + i, row);
    set.append(row);
    if (d.low || d.high) {
      const ends = el('div', { class: 'cjm-ends', 'aria-hidden': 'true' });
      ends.append(el('span', {}, `1 = ${d.low ?? ''}`), el('span', {}, `${d.scale} = ${d.high ?? ''}`));
      set.append(ends);
      // Screen readers hear the ends with the group, not as loose text.
      set.setAttribute('aria-description', `1 means ${d.low ?? 'lowest'}, ${d.scale} means ${d.high ?? 'highest'}`);
    }
  } else if (d.type == 'text') {
    set.append(el('textarea', { name, rows: '3', maxlength: '' + MAX_TEXT, 'aria-labelledby': `cjm-q${n}` }));
  } else {
    const type = d.type == 'single' ? 'radio' : 'checkbox';
    for (const c of d.choices!) choice(type, c, c);
    if (d.other) {
      choice(type, 'Other', 'Other');
      other = el('input', { type: 'text', maxlength: '' + MAX_TEXT, 'aria-label': 'Other: please say', name: `${name}-other` });
      set.append(other);
    }
  }
  const status = el('p', { role: 'status', 'aria-live': 'polite' });
  const close = el('button', { type: 'button', class: 'cjm-close', 'aria-label': 'Close' }, '×');
  form.append(set, status, el('button', { type: 'submit', class: 'cjm-send' }, 'Send'));
  box.append(form, close);

  let gone = false;
  const done = () => {
    removeEventListener('keydown', keys, true);
    if (gone) return;
    gone = true;
    box.remove();
    before?.focus?.();
    closed();
  };
  const focusable = () => [...box.querySelectorAll<HTMLElement>('input,textarea,button')].filter((e) => !(e as HTMLButtonElement).disabled);
  const keys = (e: KeyboardEvent) => {
    if (!box.isConnected) return done();
    if (e.key == 'Escape') {
      e.preventDefault();
      done();
    } else if (e.key == 'Tab') {
      // The focus trap: Tab from the last control goes to the first, Shift+Tab the other way.
      const list = focusable();
      const i = list.indexOf(document.activeElement as HTMLElement);
      const next = e.shiftKey ? (i <= 0 ? list.length - 1 : i - 1) : i < 0 || i == list.length - 1 ? 0 : i + 1;
      e.preventDefault();
      list[next]?.focus();
    }
  };
  addEventListener('keydown', keys, true);
  close.addEventListener('click', done);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const picked = [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => i.value);
    const text = form.querySelector('textarea')?.value.trim().slice(0, MAX_TEXT);
    const otherText = picked.includes('Other') ? other?.value.trim().slice(0, MAX_TEXT) : '';
    if (!(d.type == 'text' ? text : picked[0])) {
      status.textContent = d.type == 'text' ? 'Please write an answer first.' : 'Please choose an answer first.';
      return;
    }
    const props: Props = { survey: d.id, question: d.question, kind: d.type };
    if (d.type == 'scale') Object.assign(props, { value: +picked[0]!, scale: d.scale! });
    else props.answer = d.type == 'text' ? text! : picked.join('|');
    if (otherText) props.other = otherText;
    answer(props);
    form.hidden = true;
    status.textContent = 'Thank you!';
    box.prepend(status);
    close.focus();
    setTimeout(done, 1500);
  });

  document.body.append(box);
  focusable()[0]?.focus();
  return box;
};
