export type { AgentOptions, RunningAgent } from './agent.ts';
export { startAgent } from './agent.ts';
export { SegmentForwarder } from './segment-forwarder.ts';
