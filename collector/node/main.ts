// `tsx collector/node/main.ts`: the collector as a program without the build step — what
// `npm start` runs after its checks and build (scripts/start.mjs → node/startup.ts).
import { isEntry } from './is-entry';
import { main } from './startup';

if (isEntry(import.meta.url)) {
  main(process.env, { build: false }).catch((err: unknown) => {
    console.error(`cjm: ${(err as Error).message}`);
    process.exit(1);
  });
}
