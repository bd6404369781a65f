export type { AgentOptions, PipelineAgent, RunningAgent } from './agent.ts';
export { startAgent } from './agent.ts';
export { Forwarder } from './forwarder.ts';
