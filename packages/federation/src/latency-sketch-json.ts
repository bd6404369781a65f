import { z } from 'zod';
import { LATENCY_MAX_BUCKET } from '@stitch/graph';

// A latency sketch as it travels (graph records and span-metric records alike): central adds
// sketches up bucket by bucket, so each bucket is checked to be one of this version's
// (0 … LATENCY_MAX_BUCKET), ascending, once, with a positive count.

const bucket = z.number().int().min(0).max(LATENCY_MAX_BUCKET);
const positive = z.number().int().positive();

export const latencySketchJson = z
  .object({ buckets: z.array(bucket).max(LATENCY_MAX_BUCKET + 1), counts: z.array(positive).max(LATENCY_MAX_BUCKET + 1) })
  .superRefine((sketch, context) => {
    if (sketch.counts.length !== sketch.buckets.length) context.addIssue({ code: 'custom', path: ['counts'], message: 'not one count per bucket' });
    for (let i = 1; i < sketch.buckets.length; i++) {
      if (sketch.buckets[i]! <= sketch.buckets[i - 1]!) {
        context.addIssue({ code: 'custom', path: ['buckets', i], message: 'buckets not ascending' });
        break;
      }
    }
  });

export const sketchTotal = (sketch: { counts: readonly number[] }) => sketch.counts.reduce((sum, n) => sum + n, 0);
