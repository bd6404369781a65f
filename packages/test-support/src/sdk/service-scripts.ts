// The services the SDK's zero-code tests start with startZeroCode (file URLs): programs with no
// tracing code of their own, run under `--import @stitch/sdk/auto`.
export const CHAIN_SERVICE_SCRIPT = new URL('./chain-service.ts', import.meta.url).href;
export const MESSAGE_CONSUMER_SCRIPT = new URL('./message-consumer.ts', import.meta.url).href;
export const LOGGING_SERVICE_SCRIPT = new URL('./logging-service.ts', import.meta.url).href;
