import type { PropagationMode } from './propagation.ts';

export interface TracingConfig {
  service: string;
  /** The account the service runs in: its id (the cloud account number) and a readable label. */
  account: { id: string; label: string };
  /** The local agent's OTLP/HTTP endpoint (without /v1/traces). */
  endpoint: string;
  /** Where log records go: the full URL, `<endpoint>/v1/logs` unless set on its own. */
  logsEndpoint: string;
  /** Which headers go out on outbound calls; both formats are always read. */
  propagators: PropagationMode;
  /** Share of new traces recorded beyond the reservoir of `samplesPerSecond` (0..1). */
  sampleRatio: number;
  /** New traces recorded each second before `sampleRatio` applies. */
  samplesPerSecond: number;
  /**
   * The local agent's sampling endpoint (X-Ray daemon shapes: GetSamplingRules, SamplingTargets),
   * usually http://localhost:2000; null: the local default above decides.
   */
  samplingEndpoint: string | null;
}

export interface TracingOptions {
  service: string;
  /** An account id, or id and label (the label defaults to the id). */
  account?: string | { id: string; label?: string };
  endpoint?: string;
  /** The full URL of the logs endpoint (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT): used as given. */
  logsEndpoint?: string;
  propagators?: PropagationMode;
  sampleRatio?: number;
  samplesPerSecond?: number;
  samplingEndpoint?: string;
}

/** X-Ray's default rule: one request a second, then 5 % of the rest. */
export const DEFAULT_SAMPLING = { samplesPerSecond: 1, sampleRatio: 0.05 } as const;
export const DEFAULT_ENDPOINT = 'http://localhost:4318';
const MODES: readonly PropagationMode[] = ['both', 'w3c', 'xray'];

/** Fills in the defaults. Never throws: a tracing misconfiguration must not stop the service; it is logged and the default used. */
export function resolveConfig(options: TracingOptions, warn: (message: string) => void = console.warn): TracingConfig {
  const account = typeof options.account === 'string' ? { id: options.account } : (options.account ?? { id: 'local' });
  const ratio = options.sampleRatio ?? DEFAULT_SAMPLING.sampleRatio;
  const perSecond = options.samplesPerSecond ?? DEFAULT_SAMPLING.samplesPerSecond;
  const mode = options.propagators ?? 'both';
  if (!MODES.includes(mode)) warn(`stitch: propagators "${mode}" is not one of ${MODES.join(', ')}; using both`);
  if (!(ratio >= 0 && ratio <= 1)) warn(`stitch: sample ratio ${ratio} is not between 0 and 1; using ${DEFAULT_SAMPLING.sampleRatio}`);
  if (!(perSecond >= 0)) warn(`stitch: samples per second ${perSecond} is not a number ≥ 0; using ${DEFAULT_SAMPLING.samplesPerSecond}`);
  const endpoint = (options.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  return {
    service: options.service || 'unknown_service',
    account: { id: account.id, label: account.label ?? account.id },
    endpoint,
    logsEndpoint: options.logsEndpoint ? options.logsEndpoint.trim() : `${endpoint}/v1/logs`,
    propagators: MODES.includes(mode) ? mode : 'both',
    sampleRatio: ratio >= 0 && ratio <= 1 ? ratio : DEFAULT_SAMPLING.sampleRatio,
    samplesPerSecond: perSecond >= 0 ? perSecond : DEFAULT_SAMPLING.samplesPerSecond,
    samplingEndpoint: options.samplingEndpoint ? options.samplingEndpoint.replace(/\/+$/, '') : null,
  };
}

/**
 * The zero-code mode's settings, from the environment (passed in, so tests hand in their own):
 * STITCH_SERVICE_NAME (or OTEL_SERVICE_NAME), STITCH_ACCOUNT_ID, STITCH_ACCOUNT_LABEL,
 * STITCH_AGENT_ENDPOINT (or OTEL_EXPORTER_OTLP_ENDPOINT), OTEL_EXPORTER_OTLP_LOGS_ENDPOINT (the logs' full URL,
 * as OpenTelemetry's exporters take it), STITCH_PROPAGATORS (both | w3c | xray),
 * STITCH_SAMPLE_RATIO, STITCH_SAMPLES_PER_SECOND, STITCH_SAMPLING_ENDPOINT (the agent's rules, e.g. http://localhost:2000).
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): TracingOptions {
  const number = (text: string | undefined) => (text === undefined || text.trim() === '' ? undefined : Number(text));
  const options: TracingOptions = { service: env.STITCH_SERVICE_NAME ?? env.OTEL_SERVICE_NAME ?? 'unknown_service' };
  if (env.STITCH_ACCOUNT_ID) options.account = { id: env.STITCH_ACCOUNT_ID, label: env.STITCH_ACCOUNT_LABEL || env.STITCH_ACCOUNT_ID };
  const endpoint = env.STITCH_AGENT_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint) options.endpoint = endpoint;
  if (env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) options.logsEndpoint = env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT;
  if (env.STITCH_PROPAGATORS) options.propagators = env.STITCH_PROPAGATORS.trim().toLowerCase() as PropagationMode;
  const ratio = number(env.STITCH_SAMPLE_RATIO);
  if (ratio !== undefined) options.sampleRatio = ratio;
  const perSecond = number(env.STITCH_SAMPLES_PER_SECOND);
  if (perSecond !== undefined) options.samplesPerSecond = perSecond;
  if (env.STITCH_SAMPLING_ENDPOINT) options.samplingEndpoint = env.STITCH_SAMPLING_ENDPOINT;
  return options;
}
