import { z } from 'zod';

const name = z.string().min(1).max(256);

/** POST /api/slos and PUT /api/slos/{id}: a whole SLO but its id (central gives it). */
export const sloBody = z
  .object({
    name,
    /** Which requests count: the service's entry spans, narrowed by operation (span name) and account (id or label). */
    selector: z.object({ service: name, operation: name.optional(), account: name.optional() }).strict(),
    objective: z.discriminatedUnion('kind', [
      // The latency sketch counts under any threshold; a day bounds what an objective can mean.
      z.object({ kind: z.literal('latency'), thresholdMs: z.number().finite().positive().max(86_400_000) }).strict(),
      z.object({ kind: z.literal('success') }).strict(),
    ]),
    // A share, not a percentage: 99 would promise more than every request, and surely means 0.99.
    target: z.number().finite().gt(0, 'a share above 0 (0.99 for 99 %)').lt(1, 'a share below 1 (0.99 for 99 %)'),
    // Span metrics are kept 35 days: enough for a 30-day window.
    windowDays: z.union([z.literal(7), z.literal(30)], 'must be 7 or 30'),
  })
  .strict();

export type SloBody = z.infer<typeof sloBody>;
