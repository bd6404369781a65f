import type { Assertion, JourneyStep } from '@stitch/canary';

/**
 * A step as `stitch canary create --step` takes it:
 * `METHOD URL [status=200] [maxMs=2000] [contains=TEXT] [header:NAME=VALUE] [json:PATH=VALUE] [timeoutMs=N] [name=NAME]`.
 * A json value is read as JSON when it parses (42, true, null, "text"), else as text. Central
 * checks the result again (URL, sizes, names); this only turns words into the API's shape.
 */
export function parseStepSpec(spec: string, index: number): JourneyStep {
  const [method, url, ...words] = spec.trim().split(/\s+/);
  if (!method || !url) throw new Error(`--step ${index + 1}: expected "METHOD URL [status=200] [maxMs=2000] …", got "${spec}"`);
  const assertions: Assertion[] = [];
  let name = `${method.toUpperCase()} ${pathOf(url)}`;
  let timeoutMs: number | undefined;
  for (const word of words) {
    const at = word.indexOf('=');
    if (at <= 0) throw new Error(`--step ${index + 1}: "${word}" is not key=value`);
    const key = word.slice(0, at);
    const value = word.slice(at + 1);
    if (key === 'status') assertions.push({ status: whole(value, word, index) });
    else if (key === 'maxMs') assertions.push({ maxDurationMs: whole(value, word, index) });
    else if (key === 'contains') assertions.push({ bodyContains: value });
    else if (key === 'timeoutMs') timeoutMs = whole(value, word, index);
    else if (key === 'name') name = value;
    else if (key.startsWith('header:')) assertions.push({ header: key.slice('header:'.length), equals: value });
    else if (key.startsWith('json:')) assertions.push({ jsonPath: key.slice('json:'.length), equals: jsonScalar(value) });
    else throw new Error(`--step ${index + 1}: unknown "${key}" (status, maxMs, contains, header:NAME, json:PATH, timeoutMs, name)`);
  }
  return { name, method: method.toUpperCase() as JourneyStep['method'], url, assertions, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
}

function whole(value: string, word: string, index: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new Error(`--step ${index + 1}: "${word}" needs a whole number`);
  return parsed;
}

function jsonScalar(value: string): string | number | boolean | null {
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed === null || ['string', 'number', 'boolean'].includes(typeof parsed)) return parsed as string | number | boolean | null;
  } catch {
    // plain text
  }
  return value;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
