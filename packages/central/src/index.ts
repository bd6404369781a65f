export type { CentralOptions, RunningCentral } from './server.ts';
export { startCentral } from './server.ts';
export { parseHealthThresholds } from './query/service-map-route.ts';
export { LinkRegistry } from './links/link-registry.ts';
export { SamplingRegistry } from './sampling/sampling-registry.ts';
export type { AuditEntry } from './links/link-registry.ts';
export type { Link, Sink, TelemetryType } from './links/link-model.ts';
