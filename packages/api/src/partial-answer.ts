/** An account whose part of an answer is missing (federated mode), and why: `timeout after 2000 ms`, `unreachable (ECONNREFUSED)`, `refused by its agent (HTTP 403)`, `its agent answered HTTP 500`. */
export interface MissingAccountJson {
  accountId: string;
  label: string;
  reason: string;
}

/** What a read could not cover: accounts that did not answer, and bounds the read stopped at. */
export interface PartialJson {
  missingAccounts: MissingAccountJson[];
  stoppedAt: string[];
}

/** Every read answer may carry `partial`; it is absent when the answer is complete. */
export interface MaybePartial {
  partial?: PartialJson;
}
