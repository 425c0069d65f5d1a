// Dead clicks (issue 19): a click on something that looks clickable, after which nothing
// changes for DEAD_CLICK_MS, is a pain point; a click that changes the page, a form field, a
// tagged element, or plain text is not.
import { beforeEach, expect, it, vi } from 'vitest';
import { DEAD_CLICK_MS } from '../../sdk/capture/clicks';
import { settle, start, useFakeClock, type Harness } from './harness';

useFakeClock();
beforeEach(() => {
  document.body.innerHTML = `
    <button id="broken">Zoom</button>
    <button id="works">Open</button><div id="panel" hidden>Details</div>
    <span id="styled" style="cursor:pointer">Size guide</span>
    <p id="text">Plain text</p>
    <input id="field"> <button id="tagged" data-cjm-event="share">Share</button>
    <div data-cjm-ignore><button id="ignored">x</button></div>`;
  document.getElementById('works')!.addEventListener('click', () => (document.getElementById('panel')!.hidden = false));
  localStorage.clear();
});

const clickAndWait = async (h: Harness, id: string) => {
  document.getElementById(id)!.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 5, clientY: 5 }));
  await vi.advanceTimersByTimeAsync(DEAD_CLICK_MS + 10);
  h.sdk.flush();
  await settle();
  return h.events().filter((e) => e.name == 'dead_click');
};

it('a button or pointer-styled element that does nothing is a dead click, with its touchpoint', async () => {
  const h = await start();
  expect(await clickAndWait(h, 'broken')).toEqual([expect.objectContaining({ type: 'pain', touchpoint: 'Zoom' })]);
  expect((await clickAndWait(h, 'styled')).map((e) => e.touchpoint)).toEqual(['Zoom', 'Size guide']);
});

it('a click that changes the page, a field, a tagged or ignored element, or plain text is not', async () => {
  const h = await start();
  for (const id of ['works', 'field', 'tagged', 'ignored', 'text']) expect(await clickAndWait(h, id), id).toEqual([]);
});
