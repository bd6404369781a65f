import type { Assertion } from './journey.ts';
import { valueAtPath } from './json-path.ts';

/** What a step got back, as the assertions see it. Header names are lower case. */
export interface StepAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  durationMs: number;
}

/** How an assertion reads, for results, span status messages and the console. */
export function describeAssertion(assertion: Assertion): string {
  if ('status' in assertion) return `status = ${assertion.status}`;
  if ('maxDurationMs' in assertion) return `duration <= ${assertion.maxDurationMs} ms`;
  if ('bodyContains' in assertion) return `body contains ${JSON.stringify(assertion.bodyContains)}`;
  if ('header' in assertion) return `header ${assertion.header.toLowerCase()} = ${JSON.stringify(assertion.equals)}`;
  return `json ${assertion.jsonPath} = ${JSON.stringify(assertion.equals)}`;
}

/** Null when the answer satisfies the assertion; otherwise what failed and what came instead. */
export function assertionFailure(assertion: Assertion, answer: StepAnswer): string | null {
  const fail = (got: string) => `${describeAssertion(assertion)} failed: got ${got}`;
  if ('status' in assertion) return answer.status === assertion.status ? null : fail(String(answer.status));
  if ('maxDurationMs' in assertion) return answer.durationMs <= assertion.maxDurationMs ? null : fail(`${Math.round(answer.durationMs)} ms`);
  if ('bodyContains' in assertion) return answer.body.includes(assertion.bodyContains) ? null : fail(`a body of ${answer.body.length} characters without it`);
  if ('header' in assertion) {
    const value = answer.headers[assertion.header.toLowerCase()];
    return value === assertion.equals ? null : fail(value === undefined ? 'no such header' : JSON.stringify(clip(value)));
  }
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    return fail('a body that is not JSON');
  }
  const value = valueAtPath(json, assertion.jsonPath);
  if (value === undefined) return fail('nothing at that path');
  return value === assertion.equals ? null : fail(clip(JSON.stringify(value)));
}

/** The first assertion of the list that fails, or null when all hold. */
export function firstFailure(assertions: readonly Assertion[], answer: StepAnswer): string | null {
  for (const assertion of assertions) {
    const failure = assertionFailure(assertion, answer);
    if (failure !== null) return failure;
  }
  return null;
}

const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
