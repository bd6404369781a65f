export type { CentralOptions, RunningCentral } from './server.ts';
export { startCentral, DEFAULT_MAX_BODY_BYTES } from './server.ts';
export { ApiError } from './http/api-error.ts';
