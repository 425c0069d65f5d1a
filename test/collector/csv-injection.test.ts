// CSV formula injection in every list-separator locale (issue 17): German and French Excel
// split CSV on `;`, some imports on a tab, where the writer's quotes no longer start a field.
// Text that reaches the report (touchpoints, paths, channels…) is read back with each separator,
// the way a spreadsheet reads it, and no field may start with a formula character.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../collector/report/csv';
import type { Store } from '../../collector/store/types';
import { NOW, TOKEN, batch, event, post, tempStore, testApp } from './helpers';

/** Fields of a CSV text split on `sep` as a spreadsheet does (RFC 4180 quotes only at a field's start). */
function fields(csv: string, sep: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < csv.length) {
    let field = '';
    if (csv[i] === '"') {
      for (i++; i < csv.length; i++) {
        if (csv[i] === '"' && csv[i + 1] === '"') ((field += '"'), i++);
        else if (csv[i] === '"') break;
        else field += csv[i];
      }
      i++;
      while (i < csv.length && csv[i] !== sep && csv[i] !== '\n' && csv[i] !== '\r') field += csv[i++]; // after the closing quote
    } else while (i < csv.length && csv[i] !== sep && csv[i] !== '\n' && csv[i] !== '\r') field += csv[i++];
    out.push(field);
    i++; // the separator or line break
  }
  return out;
}

const FORMULA = /^ *[=+\-@]/;
const ATTACKS = ['safe;=1+1', 'a,=HYPERLINK("http://x")', 'x\t@SUM(A1)', 'y; -2+3', 'z\n=1+1', '\t=1', 'ok;"=1"', '+cmd'];

describe('CSV cells in , ; and tab locales', () => {
  it.each([',', ';', '\t'])('no field read with separator %j starts a formula, and quoting keeps the text', (sep) => {
    for (const attack of ATTACKS) {
      const line = ['label', csvCell(attack), csvCell(3), csvCell(-0.5)].join(',');
      const read = fields(line, sep).filter((f) => !/^-?\d+(\.\d+)?$/.test(f)); // numbers stay numbers
      for (const f of read) expect(f, `${JSON.stringify(attack)} → ${JSON.stringify(line)}`).not.toMatch(FORMULA);
    }
  });

  it('quotes every cell holding ; , tab, a quote or a line break, and defuses after each', () => {
    expect(csvCell('safe;=1+1')).toBe(`"safe;'=1+1"`);
    expect(csvCell('a\tb')).toBe('"a\tb"');
    expect(csvCell('x; -1')).toBe(`"x; '-1"`);
    expect(csvCell('plain text')).toBe('plain text');
    expect(csvCell('-0.5 off')).toBe(`'-0.5 off`);
    expect(csvCell(-0.5)).toBe('-0.5');
  });
});

describe('GET /api/sites/:site/journey.csv with formula text in the data', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof testApp>['app'];
  beforeAll(async () => {
    ({ store, cleanup } = tempStore());
    ({ app } = testApp(store));
    const events = ATTACKS.flatMap((a, i) => [
      event({
        id: `p${i}`,
        visitor: `v${i}`,
        session: `s${i}`,
        touchpoint: a,
        url: `https://shop.example/${encodeURIComponent(a)}`,
        path: `/${a}`,
      }),
      event({ id: `c${i}`, visitor: `v${i}`, session: `s${i}`, type: 'event', name: 'click', touchpoint: a, ts: NOW - 500 }),
    ]);
    expect((await post(app, batch(events))).status).toBe(202);
  });
  afterAll(() => cleanup());

  it.each([',', ';', '\t'])('read with separator %j: no formula anywhere in the whole report', async (sep) => {
    const res = await app.request(`/api/sites/shop/journey.csv?from=${NOW - 86_400_000}&to=${NOW + 1000}&minSessions=1`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toContain('safe;'); // the attacks are in it
    for (const f of fields(csv, sep).filter((x) => !/^-?\d+(\.\d+)?(e-?\d+)?$/.test(x))) expect(f).not.toMatch(FORMULA);
  });
});
