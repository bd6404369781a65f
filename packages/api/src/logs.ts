import type { LogsAnswerJson } from '@stitch/model';
import type { MaybePartial } from './partial-answer.ts';

/** GET /api/logs (the model package builds the answer). */
export type LogsJson = LogsAnswerJson & MaybePartial;
