export type { ConsoleAsset } from './build-console.ts';
export { buildConsole } from './build-console.ts';
export { serveConsole } from './serve-console.ts';
