// `npm start`: checks the Node version first (plain JavaScript, so an old Node still reads it),
// then runs collector/node/startup.ts through tsx in this same process.
import { nodeProblem } from './node-version.mjs';

const problem = nodeProblem(process.versions.node);
if (problem) {
  console.error(`cjm: ${problem}`);
  process.exit(1);
}

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../collector/node/startup.ts');
main(process.env).catch((err) => {
  console.error(`cjm: ${err.message}`);
  process.exit(1);
});
