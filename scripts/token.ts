// `npm run token -- create|list|revoke …`: per-site API tokens (collector/node/token-cli.ts).
import { runTokenCli } from '../collector/node/token-cli';

try {
  console.log(await runTokenCli(process.argv.slice(2), process.env.CJM_DB || './data/cjm.db', Date.now()));
} catch (err) {
  console.error(`cjm token: ${(err as Error).message}`);
  process.exit(1);
}
