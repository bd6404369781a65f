// Worker threads do not inherit tsx's loader reliably on Node 20 (an --import in execArgv is
// not applied before the entry module loads), so the worker starts here, in plain JavaScript.
import { register } from 'tsx/esm/api';

register();
await import('./decode-worker.ts');
