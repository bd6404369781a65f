export type { DemoOptions, RunningDemo } from './run-demo.ts';
export { runDemo } from './run-demo.ts';
export type { CheckoutOptions, EmittedTrace } from './checkout-trace.ts';
export { emitCheckoutTrace } from './checkout-trace.ts';
export type { DemoTracers } from './otel-tracers.ts';
export { createDemoTracers } from './otel-tracers.ts';
export { DEMO_SERVICES } from './services.ts';
export type { DemoScenario } from './live/scenarios.ts';
export { DEMO_SCENARIOS } from './live/scenarios.ts';
