import type { HealthThresholds } from '@stitch/graph';
import type { PortChoice } from '@stitch/http';
import type { Account } from '@stitch/model';
import type { TailPolicies } from '@stitch/sampling';
import type { CentralStore, ServiceGraphFeedOptions } from '@stitch/store';
import type { AlarmOptions } from './control/alarms/alarm-scheduler.ts';
import type { CanaryRegistry } from './control/canaries/canary-registry.ts';
import type { CanaryRuns } from './control/canaries/canary-runs.ts';
import type { PriceBook } from './control/cost/price-book.ts';
import type { SamplingRegistry } from './control/sampling/sampling-registry.ts';
import type { SloRegistry } from './control/slo/slo-registry.ts';
import type { LinkRegistry } from './access/links/link-registry.ts';

export interface CentralOptions {
  store: CentralStore;
  port?: number;
  /** Where OTLP/gRPC is taken, on `host`; none when absent. A taken port passed over with `ifFree`: an agent or a Collector on the same host. */
  grpc?: PortChoice;
  /** Where Tempo's HTTP query API is served (for Grafana's Tempo data source), on `host`; none when absent. */
  tempo?: PortChoice;
  host?: string;
  /** The account spans posted straight to central's /v1/traces belong to (linked agents bring their own). */
  defaultAccount?: Account;
  /** Sinks and links; an in-memory registry when not given. */
  links?: LinkRegistry;
  /** The fleet's sampling rules; in memory when not given. */
  sampling?: SamplingRegistry;
  maxBodyBytes?: number;
  /** Bytes of request bodies read and decoded at once (default 64 MiB): past it, 503 with Retry-After. */
  maxBodyBytesInFlight?: number;
  /** Spans in one request (default 50,000): more is a 413. */
  maxSpansPerRequest?: number;
  /** Spans of one trace (default 100,000): spans past it are refused one by one. */
  maxSpansPerTrace?: number;
  /**
   * With an admin token every call but /api/health needs a credential: changes the admin token,
   * reads the read token (or the admin token), spans a link token. Without one central is open,
   * which it allows only on a loopback address (unless `insecure`).
   */
  adminToken?: string;
  readToken?: string;
  /** Where read tokens made through the API and rotated admin and read tokens are kept (`<data>/tokens.json`); in memory when not given. */
  tokensFile?: string | null;
  /** Listen on a non-loopback address without an admin token. */
  insecure?: boolean;
  /** Worker threads decoding OTLP; 0 decodes on the main thread. */
  decodeWorkers?: number;
  /** Spans waiting for the store past which every new trace request is refused (default 500,000): the hard limit. */
  maxPendingSpans?: number;
  /**
   * Trace requests are shed before their bodies are read (503 + Retry-After) while the spans
   * admitted would take the store longer than this to store, at the rate it has been storing
   * (default 1000 ms; 3000 ms with an ingest log, where answers do not wait for the store).
   */
  ingestBacklogMs?: number;
  /**
   * Where accepted requests are made durable before they are answered (`<data>/ingest-log`): the
   * store is then written in large transactions a moment later, and what a stop left unstored is
   * stored at the next start. Without one, a request is answered once its spans are stored.
   */
  ingestLogDir?: string | null;
  /** Tail sampling: spans wait for their trace to complete, then only the traces the policies keep are stored. */
  tailSampling?: TailPolicies;
  /** The service map's aggregation (pair wait, bucket width, flush interval). */
  serviceMap?: Omit<ServiceGraphFeedOptions, 'log'> & { health?: HealthThresholds };
  /** Accounts whose agents keep their own spans (`stitch agent --store`): how they are read. */
  federation?: FederationOptions;
  /** SLOs (and where they are kept: `<data>/slos.json`); in memory when not given. */
  slos?: SloRegistry;
  /** The cost profile's price sheet (and where it is kept); X-Ray's list prices in memory when not given. */
  prices?: PriceBook;
  /** Synthetic canaries' journeys (and where they are kept); in memory when not given. */
  canaries?: CanaryRegistry;
  /** Their recent runs (and where they are kept); in memory when not given. */
  canaryRuns?: CanaryRuns;
  /** Alarm rules (and where they are kept) and how often they are evaluated. */
  alarms?: AlarmOptions;
  /** How long one read request may take (default 10 s): past it its store queries are cancelled and the answer is a 422. */
  queryBudgetMs?: number;
  /** Reads of one credential that run at once (default 2); a few more wait briefly, the rest get a 429. */
  readsPerCredential?: number;
  log?: (message: string) => void;
  now?: () => number;
}

export interface FederationOptions {
  /** How long a read waits for an account before answering without it (default 3 s). */
  timeoutMs?: number;
  /**
   * The read URLs central may contact (and send link tokens to), for every link: exact URLs
   * (`http://10.0.3.7:4319`), host:port, addresses or CIDRs (`10.0.0.0/8`, `fd00::/8`). Nothing by
   * default: a member is read only where this list or its link's `allowReadUrls` allow.
   */
  allowReadUrls?: string[];
  /** How often agents are asked to say they are there (default 5 s). */
  heartbeatMs?: number;
  /** Parts asked of each account in a search's first round (default 200; each round asks twice as many, up to 5,000). */
  searchPageSize?: number;
  /** Candidate traces one search considers at most (default 200,000). */
  maxCandidates?: number;
  /** How much later than its trace an account's part may start: search reads that far past the window, and counts on it (default 5 min). */
  partSlackMs?: number;
}

export interface RunningCentral {
  url: string;
  port: number;
  /** The OTLP/gRPC port, when central listens for it. */
  grpcPort: number | null;
  /** The Tempo-compatible API's port, when central serves it. */
  tempoPort: number | null;
  /** Writes the service map's counts now; `settleAll` also settles calls still waiting for their callee. */
  flushServiceMap(settleAll?: boolean): Promise<void>;
  /** Writes the span metrics counted so far to the store. */
  flushMetrics(): Promise<void>;
  /** Writes the usage counted so far (the cost profile) to the store. */
  flushUsage(): Promise<void>;
  close(): Promise<void>;
}
