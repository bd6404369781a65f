import { z } from 'zod';

// A journey: ordered HTTP steps, each with assertions, run on a schedule by central. Central
// calls the URLs itself, so the schema is strict about what it will call (see docs/canaries.md,
// SSRF): http(s) only, bounded sizes, and no header that would forge the run's trace.

/** Headers the runner writes itself: a journey setting them would break or forge the run's trace. */
export const RUNNER_HEADERS = ['traceparent', 'tracestate', 'x-amzn-trace-id', 'baggage'] as const;

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const httpUrl = z
  .string()
  .max(2048)
  .refine((text) => {
    try {
      const url = new URL(text);
      // Credentials in a URL would show in every span and answer.
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL without credentials');

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'not an HTTP header name');

/** One check on a step's answer; the first that fails fails the step and stops the run. */
export const assertionSchema = z.union([
  z.object({ status: z.number().int().min(100).max(599) }).strict(),
  z.object({ maxDurationMs: z.number().int().min(1).max(600_000) }).strict(),
  z.object({ bodyContains: z.string().min(1).max(4096) }).strict(),
  z.object({ header: headerName, equals: z.string().max(4096) }).strict(),
  // A dotted path into a JSON answer ("order.items.0.sku"); equals a JSON scalar.
  z.object({ jsonPath: z.string().regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+){0,31}$/, 'a dotted path such as order.status or items.0.sku'), equals: z.union([z.string().max(4096), z.number(), z.boolean(), z.null()]) }).strict(),
]);

export const stepSchema = z
  .object({
    name: z.string().min(1).max(128),
    method: z.enum(HTTP_METHODS),
    url: httpUrl,
    headers: z
      .record(headerName, z.string().max(8192))
      .refine((headers) => Object.keys(headers).length <= 32, 'at most 32 headers')
      .refine((headers) => !Object.keys(headers).some((name) => (RUNNER_HEADERS as readonly string[]).includes(name.toLowerCase())), `the runner sets ${RUNNER_HEADERS.join(', ')} itself`)
      .optional(),
    body: z.string().max(65_536).optional(),
    /** How long the step may take before it is abandoned and fails (default 10 s). */
    timeoutMs: z.number().int().min(1).max(60_000).optional(),
    assertions: z.array(assertionSchema).max(20),
  })
  .strict();

const journeyFields = {
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/, 'letters, digits, space, ".", "_" or "-", at most 64'),
  /** How often it runs; at least once a second (a run never overlaps its predecessor). */
  everySeconds: z.number().int().min(1).max(86_400),
  steps: z.array(stepSchema).min(1).max(20),
};

/** What the API takes: the id is optional on creation (central makes one). */
export const journeyInputSchema = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and "-", at most 64').optional(), ...journeyFields }).strict();

export type Assertion = z.infer<typeof assertionSchema>;
export type JourneyStep = z.infer<typeof stepSchema>;
export type JourneyInput = z.infer<typeof journeyInputSchema>;
export type Journey = JourneyInput & { id: string };

export const DEFAULT_STEP_TIMEOUT_MS = 10_000;
