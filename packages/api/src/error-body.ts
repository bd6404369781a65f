import type { PartialJson } from './partial-answer.ts';

/**
 * Every refusal's body: `error` names the parameter or field at fault first (`start: must be
 * before end`); the rest are details some errors add.
 */
export interface ErrorBodyJson {
  error: string;
  /** A filter expression's error: the 1-based column at fault. */
  column?: number;
  /** A read that failed while accounts did not answer (a "not found" may only mean they hold the spans). */
  partial?: PartialJson;
  [detail: string]: unknown;
}

/** DELETE answers: the id (or name) of what is gone. */
export interface DeletedJson {
  deleted: string;
}
