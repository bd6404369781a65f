export type { DemoOptions, RunningDemo } from './run-demo.ts';
export { runDemo } from './run-demo.ts';
export { DEMO_SERVICES } from './services.ts';
export type { DemoScenario } from './live/scenarios.ts';
export { DEMO_SCENARIOS } from './live/scenarios.ts';
