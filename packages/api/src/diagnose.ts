import type { DiagnosisJson } from '@stitch/graph';
import type { MaybePartial } from './partial-answer.ts';
import type { SearchQueryJson } from './traces.ts';

/** GET /api/diagnose: why the traces matching `q` are slow or failing; `report` is the same as terminal text. */
export interface DiagnoseJson extends MaybePartial {
  query: SearchQueryJson;
  diagnosis: DiagnosisJson;
  report: string;
}
