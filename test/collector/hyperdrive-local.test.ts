// The Workers path to Postgres (docs/storage.md, "Workers: Hyperdrive"): a Hyperdrive binding
// run locally by Miniflare (what `wrangler dev` does with `localConnectionString`) reaches this
// run's PostgreSQL server offline. A Worker opens a socket to the binding's host and port and
// sends a PostgreSQL StartupMessage; the server's first reply must be an authentication request
// ('R'). (The collector itself does not run on Postgres in a Worker yet: see the doc.)
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { expect, it } from 'vitest';
import { freshDatabase } from '../helpers/postgres';

const WORKER = `
import { connect } from 'cloudflare:sockets';
export default {
  async fetch(request, env) {
    const hd = env.HYPERDRIVE;
    const socket = connect({ hostname: hd.host, port: hd.port });
    const writer = socket.writable.getWriter();
    const params = new TextEncoder().encode('user\\0' + hd.user + '\\0database\\0' + hd.database + '\\0\\0');
    const message = new Uint8Array(8 + params.length);
    new DataView(message.buffer).setInt32(0, message.length);
    new DataView(message.buffer).setInt32(4, 196608); // protocol 3.0
    message.set(params, 8);
    await writer.write(message);
    const { value } = await socket.readable.getReader().read();
    await socket.close();
    return Response.json({ host: hd.host, user: hd.user, database: hd.database, reply: String.fromCharCode(value[0]) });
  },
};`;

it('a local Hyperdrive binding reaches the embedded PostgreSQL server offline', async () => {
  const url = await freshDatabase();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [{ modules: true, compatibilityDate: '2026-11-01', hyperdrives: { HYPERDRIVE: url }, script: WORKER }],
    }),
  );
  try {
    const res = await mf.dispatchFetch('http://localhost/');
    const body = (await res.json()) as Record<string, string>;
    const { username, pathname } = new URL(url);
    expect(body).toEqual({ host: expect.stringMatching(/\.hyperdrive\.local$/), user: username, database: pathname.slice(1), reply: 'R' });
  } finally {
    await mf.dispose();
  }
}, 60_000);
