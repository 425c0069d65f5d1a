// Restaging on Postgres (test/collector/restage-contract.ts), through the app as on SQLite.
import { postgresStoreWithRawDb } from '../helpers/postgres';
import { NOW, post, testApp, TOKEN } from './helpers';
import { runRestageContract, type RestageRig } from './restage-contract';

runRestageContract('postgres', async (): Promise<RestageRig> => {
  const { store, db } = await postgresStoreWithRawDb();
  const { app } = testApp(store);
  return {
    store,
    now: NOW,
    db,
    collect: (body, headers) => Promise.resolve(post(app, body, { ...headers, authorization: `Bearer ${TOKEN}` })),
    api: (path, init = {}, auth = true) =>
      Promise.resolve(app.request(path, { ...init, headers: auth ? { Authorization: `Bearer ${TOKEN}` } : {} })),
  };
});
