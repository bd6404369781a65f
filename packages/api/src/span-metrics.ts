import type { SloJson, SloStatusJson } from '@stitch/metrics';

/** One SLO with where it stands (GET /api/slos leaves out the daily series). */
export interface SloAnswerJson {
  slo: SloJson;
  status: SloStatusJson;
}

/** GET /api/slos */
export interface SloListJson {
  slos: Array<SloJson & { status: SloStatusJson }>;
}
