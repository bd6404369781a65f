import type { CanaryRun, StepResult } from './canary-run.ts';
import { firstFailure } from './assertions.ts';
import { DEFAULT_STEP_TIMEOUT_MS, type Journey, type JourneyStep } from './journey.ts';
import { cryptoHex, newSpanId, newTraceId, traceHeaders, type RandomHex } from './trace-context.ts';

/** The most of an answer's body kept for the assertions: a canary checks pages, it does not download files. */
export const MAX_BODY_CHARS = 1024 * 1024;

export interface RunOptions {
  now?: () => number;
  random?: RandomHex;
  /** Aborts the run (central closing): the step in flight fails as aborted. */
  signal?: AbortSignal;
}

/**
 * Runs a journey's steps in order, each request carrying the run's trace headers (both formats,
 * sampled, marked synthetic), and stops at the first step that fails. Never throws: a refused
 * connection, a timeout or an abort is that step's failure.
 */
export async function runJourney(journey: Journey, options: RunOptions = {}): Promise<CanaryRun> {
  const now = options.now ?? Date.now;
  const random = options.random ?? cryptoHex;
  const startedAtMs = now();
  const clockAt = performance.now();
  const wallClock = () => startedAtMs + (performance.now() - clockAt);
  const traceId = newTraceId(startedAtMs, random);
  const spanId = newSpanId(random);
  const steps: StepResult[] = [];
  for (const step of journey.steps) {
    const result = await runStep(step, traceId, newSpanId(random), wallClock, options.signal);
    steps.push(result);
    if (!result.ok) break;
  }
  const failed = steps.find((step) => !step.ok);
  return {
    canaryId: journey.id,
    journeyName: journey.name,
    traceId,
    spanId,
    startedAtMs,
    durationMs: wallClock() - startedAtMs,
    ok: failed === undefined,
    failure: failed ? `${failed.name}: ${failed.failure}` : null,
    steps,
  };
}

async function runStep(step: JourneyStep, traceId: string, spanId: string, wallClock: () => number, signal: AbortSignal | undefined): Promise<StepResult> {
  const timeoutMs = step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const startedAtMs = wallClock();
  const base = { name: step.name, method: step.method, url: step.url, spanId, startedAtMs };
  const timeout = AbortSignal.timeout(timeoutMs);
  const aborted = signal ? AbortSignal.any([timeout, signal]) : timeout;
  try {
    const response = await fetch(step.url, {
      method: step.method,
      headers: { ...step.headers, ...traceHeaders(traceId, spanId) },
      // A redirect is an answer to assert on; following it could take the canary anywhere.
      redirect: 'manual',
      signal: aborted,
      ...(step.body === undefined ? {} : { body: step.body }),
    });
    const body = await readCapped(response);
    const durationMs = wallClock() - startedAtMs;
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    const failure = firstFailure(step.assertions, { status: response.status, headers, body, durationMs });
    return { ...base, durationMs, status: response.status, ok: failure === null, failure };
  } catch (error) {
    const durationMs = wallClock() - startedAtMs;
    const why = timeout.aborted ? `timed out after ${timeoutMs} ms` : signal?.aborted ? 'aborted (central is stopping)' : `request failed: ${causeOf(error)}`;
    return { ...base, durationMs, status: null, ok: false, failure: why };
  }
}

/** The body as text, cut at MAX_BODY_CHARS (the rest is not read). */
async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const decoder = new TextDecoder();
  let text = '';
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (text.length >= MAX_BODY_CHARS) {
      await reader.cancel();
      return text.slice(0, MAX_BODY_CHARS);
    }
  }
  return text + decoder.decode();
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
