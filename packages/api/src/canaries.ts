import type { CanaryJson, CanaryRunRecord } from '@stitch/canary';

/** GET /api/canaries */
export interface CanaryListJson {
  canaries: CanaryJson[];
}

/** GET, POST, PUT of one canary. */
export interface CanaryAnswerJson {
  canary: CanaryJson;
}

/** POST /api/canaries/{id}/run */
export interface CanaryRunJson {
  run: CanaryRunRecord;
}

/** GET /api/canaries/{id}/runs: newest first. */
export interface CanaryRunsJson {
  runs: CanaryRunRecord[];
}
