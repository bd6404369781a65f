export const TELEMETRY_TYPES = ['traces', 'logs', 'metrics'] as const;
export type TelemetryType = (typeof TELEMETRY_TYPES)[number];

/** In the observability account: who may link, and what they may share. */
export interface SinkJson {
  id: string;
  name: string;
  /** Account ids allowed to link, or ['*'] for any. */
  allowedAccounts: string[];
  types: TelemetryType[];
  createdAt: string;
}

/** A source account's link to a sink, as the API shows it: never its token, nor the token's hash. */
export interface LinkJson {
  id: string;
  sinkId: string;
  accountId: string;
  accountName: string;
  types: TelemetryType[];
  labelTemplate: string;
  /** The template filled in: how the account is named in every view. */
  label: string;
  /** Requests per second the link may send (bursts up to twice that). */
  requestsPerSecond: number;
  /** Whether the account may add temporary sampling rules for its own services and delete those (absent in links made before the flag: no). */
  canChangeSampling?: boolean;
  /** Read URLs central may contact for this account's agent (federated mode), beside central's own allow-list. */
  allowReadUrls?: string[];
  createdAt: string;
  /** Set when the link is deleted: its token is refused from then on (403, not "unknown"). */
  revokedAt: string | null;
}

export interface LinkAuditEntryJson {
  at: string;
  action: 'sink.create' | 'sink.delete' | 'link.create' | 'link.delete';
  id: string;
  detail: string;
}

/** GET /api/sinks */
export interface SinksJson {
  sinks: SinkJson[];
}

/** POST /api/sinks */
export interface SinkCreatedJson {
  sink: SinkJson;
}

/** POST /api/sinks/{id}/links: the link's token is in this answer only. */
export interface LinkCreatedJson {
  link: LinkJson;
  token: string;
}

/** GET /api/links */
export interface LinksJson {
  links: LinkJson[];
}

/** GET /api/audit: the sinks' and links' changes. */
export interface LinkAuditJson {
  audit: LinkAuditEntryJson[];
}
