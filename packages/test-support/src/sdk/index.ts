export type { HopAnswer, Notification, TraceHeaders } from './chain-protocol.ts';
export { httpJson } from './chain-protocol.ts';
export type { InMemoryTracing } from './in-memory-tracing.ts';
export { initInMemoryTracing } from './in-memory-tracing.ts';
export { listenOnLoopback } from './loopback.ts';
export { CHAIN_SERVICE_SCRIPT, LOGGING_SERVICE_SCRIPT, MESSAGE_CONSUMER_SCRIPT } from './service-scripts.ts';
export type { ProcessEnd, ZeroCodeProcess } from './zero-code-process.ts';
export { startZeroCode } from './zero-code-process.ts';
