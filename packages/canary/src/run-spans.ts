import { httpFactsOf, nanos, type Account, type Attributes, type Span } from '@stitch/model';
import type { CanaryRun, StepResult } from './canary-run.ts';
import { SYNTHETIC_ATTRIBUTE } from './trace-context.ts';

/** The account every canary run's spans belong to, whatever the journey calls. */
export const SYNTHETIC_ACCOUNT: Account = { id: 'synthetic', label: 'synthetic canaries' };

/** The service a journey's runs show as: one per journey, so the map and SLOs can tell them apart. */
export const canaryService = (journeyName: string) => `canary:${journeyName}`;

const toNanos = (ms: number) => nanos(BigInt(Math.round(ms * 1_000_000)));

/**
 * A run as spans: a root server span for the journey (an entry, so span metrics count every run,
 * a failed run as a fault: error status and no HTTP status of its own), and one client span per
 * step run, the parent of whatever the target records. All marked synthetic.
 */
export function runSpans(run: CanaryRun, account: Account = SYNTHETIC_ACCOUNT): Span[] {
  const service = canaryService(run.journeyName);
  const resource = { serviceName: service, attributes: { 'service.name': service, 'cloud.account.id': account.id, 'stitch.account.label': account.label } };
  const common = { traceId: run.traceId, traceState: '', events: [], links: [], resource, scope: { name: '@stitch/canary', version: '' }, account };
  const rootAttributes: Attributes = { [SYNTHETIC_ATTRIBUTE]: true, 'stitch.canary.id': run.canaryId, 'stitch.canary.steps': run.steps.length };
  const root: Span = {
    ...common,
    spanId: run.spanId,
    parentSpanId: null,
    name: run.journeyName,
    kind: 'server',
    startTimeUnixNano: toNanos(run.startedAtMs),
    endTimeUnixNano: toNanos(run.startedAtMs + run.durationMs),
    status: run.ok ? { code: 'ok', message: '' } : { code: 'error', message: run.failure ?? 'failed' },
    http: httpFactsOf({}),
    attributes: rootAttributes,
  };
  return [root, ...run.steps.map((step, index) => stepSpan(step, index, run.spanId, common))];
}

function stepSpan(step: StepResult, index: number, parentSpanId: string, common: Omit<Span, 'spanId' | 'parentSpanId' | 'name' | 'kind' | 'startTimeUnixNano' | 'endTimeUnixNano' | 'status' | 'http' | 'attributes'>): Span {
  const url = new URL(step.url);
  const attributes: Attributes = {
    [SYNTHETIC_ATTRIBUTE]: true,
    'stitch.canary.step': index,
    'http.request.method': step.method,
    'url.full': step.url,
    'server.address': url.hostname,
    'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    ...(step.status === null ? {} : { 'http.response.status_code': step.status }),
  };
  return {
    ...common,
    spanId: step.spanId,
    parentSpanId,
    name: step.name,
    kind: 'client',
    startTimeUnixNano: toNanos(step.startedAtMs),
    endTimeUnixNano: toNanos(step.startedAtMs + step.durationMs),
    status: step.ok ? { code: 'unset', message: '' } : { code: 'error', message: step.failure ?? 'failed' },
    http: httpFactsOf(attributes),
    attributes,
  };
}
