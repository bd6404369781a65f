import { ALARM_COMPARATORS, ALARM_METRICS, DEFAULT_BURN_RATE } from '@stitch/metrics';
import { z } from 'zod';

/** Span metrics are kept 7 days: no window may reach further back. */
const MAX_WINDOW_MINUTES = 7 * 24 * 60;
const minutes = z.number().int().min(1).max(MAX_WINDOW_MINUTES);
const name = z.string().min(1).max(256);

const thresholdCondition = z
  .object({
    kind: z.literal('threshold'),
    /** Absent fields match every value: no service is "across every service". */
    selector: z.object({ account: name.optional(), service: name.optional(), operation: name.optional() }).strict().default({}),
    metric: z.enum(ALARM_METRICS),
    comparator: z.enum(ALARM_COMPARATORS),
    threshold: z.number().finite().min(0),
    windowMinutes: minutes,
    minRequests: z.number().int().min(0).max(1_000_000_000).optional(),
  })
  .strict()
  // A rate is a share: "errorRate > 5" would never fire, and is surely meant as 0.05.
  .refine((condition) => !condition.metric.endsWith('Rate') || condition.threshold <= 1, { path: ['threshold'], message: 'a rate is a share from 0 to 1 (0.05 for 5 %)' });

const burnRateCondition = z
  .object({
    kind: z.literal('burnRate'),
    sloId: z.string().min(1).max(128),
    longWindowMinutes: minutes.default(DEFAULT_BURN_RATE.longWindowMinutes),
    shortWindowMinutes: minutes.default(DEFAULT_BURN_RATE.shortWindowMinutes),
    factor: z.number().finite().positive().max(1_000_000).default(DEFAULT_BURN_RATE.factor),
  })
  .strict()
  .refine((condition) => condition.shortWindowMinutes < condition.longWindowMinutes, { path: ['shortWindowMinutes'], message: 'must be shorter than longWindowMinutes' });

// Receivers are reached by central itself: only plain web URLs, never file:, data: or javascript:.
const webhookUrl = z.string().max(2048).pipe(z.url({ protocol: /^https?$/, hostname: /./, error: 'must be an http:// or https:// URL' }));

/** POST /api/alarms and PUT /api/alarms/{id}: a whole rule. */
export const alarmRuleBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    condition: z.discriminatedUnion('kind', [thresholdCondition, burnRateCondition]),
    datapointsToAlarm: z.number().int().min(1).max(100).default(1),
    webhooks: z
      .array(webhookUrl)
      .max(10)
      .default([])
      .refine((urls) => new Set(urls).size === urls.length, { message: 'a URL is listed twice' }),
  })
  .strict();

export type AlarmRuleBody = z.infer<typeof alarmRuleBody>;
