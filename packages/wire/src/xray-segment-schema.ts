import { z } from 'zod';

// X-Ray segment documents as the daemon and PutTraceSegments carry them. Only what Stitch maps
// is described; unknown fields pass (X-Ray adds fields over time). Times are float epoch
// seconds; ids are hex strings checked when converting, so one bad subsegment does not reject
// its whole segment.

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const stackFrame = z.object({ path: z.string().nullish(), line: z.number().nullish(), label: z.string().nullish() }).passthrough();
const exception = z
  .object({
    id: z.string().nullish(),
    message: z.string().nullish(),
    type: z.string().nullish(),
    remote: z.boolean().nullish(),
    stack: z.array(stackFrame).max(256).nullish(),
  })
  .passthrough();

const http = z
  .object({
    request: z.object({ method: z.string().nullish(), url: z.string().nullish(), client_ip: z.string().nullish(), user_agent: z.string().nullish(), traced: z.boolean().nullish() }).passthrough().nullish(),
    response: z.object({ status: z.number().int().nullish(), content_length: z.number().nullish() }).passthrough().nullish(),
  })
  .passthrough();

export interface XRaySubsegmentJson {
  id?: unknown;
  name?: unknown;
  start_time?: unknown;
  end_time?: unknown;
  in_progress?: boolean | null;
  namespace?: string | null;
  http?: z.infer<typeof http> | null;
  aws?: Record<string, unknown> | null;
  sql?: Record<string, unknown> | null;
  error?: boolean | null;
  fault?: boolean | null;
  throttle?: boolean | null;
  cause?: unknown;
  annotations?: Record<string, z.infer<typeof scalar>> | null;
  metadata?: Record<string, Record<string, unknown>> | null;
  subsegments?: XRaySubsegmentJson[] | null;
}

const subsegmentFields = {
  id: z.unknown().optional(),
  name: z.unknown().optional(),
  start_time: z.unknown().optional(),
  end_time: z.unknown().optional(),
  in_progress: z.boolean().nullish(),
  namespace: z.string().nullish(),
  http: http.nullish(),
  aws: z.record(z.string(), z.unknown()).nullish(),
  sql: z.record(z.string(), z.unknown()).nullish(),
  error: z.boolean().nullish(),
  fault: z.boolean().nullish(),
  throttle: z.boolean().nullish(),
  cause: z.union([z.string(), z.object({ exceptions: z.array(exception).max(64).nullish(), message: z.string().nullish() }).passthrough()]).nullish(),
  annotations: z.record(z.string(), scalar).nullish(),
  metadata: z.record(z.string(), z.record(z.string(), z.unknown())).nullish(),
};

export const xraySubsegmentSchema: z.ZodType<XRaySubsegmentJson> = z.lazy(() =>
  z.object({ ...subsegmentFields, subsegments: z.array(xraySubsegmentSchema).max(10_000).nullish() }).passthrough(),
);

/** A segment, or an independent subsegment (`type: "subsegment"`, sent on its own with its segment's `parent_id`). */
export const xraySegmentSchema = z
  .object({
    ...subsegmentFields,
    subsegments: z.array(xraySubsegmentSchema).max(10_000).nullish(),
    trace_id: z.string(),
    parent_id: z.string().nullish(),
    type: z.string().nullish(),
    origin: z.string().nullish(),
    // independent subsegments name the segment's service here
    parent_name: z.string().nullish(),
  })
  .passthrough();

export type XRaySegmentJson = z.infer<typeof xraySegmentSchema>;
