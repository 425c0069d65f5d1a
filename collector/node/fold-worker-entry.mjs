// Entry of the fold thread: a worker starts without the TypeScript loader that `npm start`
// registered in the main thread, so it registers tsx first, then runs fold-worker.ts.
import { register } from 'tsx/esm/api';

register();
await import('./fold-worker.ts');
