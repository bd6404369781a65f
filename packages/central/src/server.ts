import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphRecord, HealthThresholds } from '@stitch/graph';
import { ReservoirDivider, TailSampler, type TailPolicies } from '@stitch/sampling';
import { batchToSpans, spansToBatch, type Account, type SpanBatch } from '@stitch/model';
import { outsideReadBudget, QueryBudgetExceeded, StoreError, withinReadBudget, type CentralStore, type ServiceGraphFeedOptions, type TraceReads } from '@stitch/store';
import { ApiError, BodyBudget, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SPANS_PER_REQUEST, formatOf, replyWithError, sendJson, sendOtlpError, toApiError } from '@stitch/http';
import { RecentKeys } from '@stitch/cost';
import { DecodePool } from './ingest/decode-pool.ts';
import { handleOtlpTraces, STORE_RETRY_AFTER_S } from './ingest/otlp-traces-handler.ts';
import { TraceSizeLimit } from './ingest/trace-size-limit.ts';
import { WriteQueue } from './ingest/write-queue.ts';
import { DerivedFigures } from './derive/derived-figures.ts';
import { ObservedSince } from './read/map/observed-since.ts';
import { propagationReport, serviceMap, type MapClock } from './read/map/service-map-route.ts';
import { getTrace, listServices, searchTraces } from './read/traces/trace-routes.ts';
import { diagnoseTraces } from './read/diagnose/diagnose-route.ts';
import { listAccounts } from './read/accounts-route.ts';
import { ReadSlots } from './read/read-slots.ts';
import { FederationMembers } from './federation/federation-members.ts';
import { FederatedReads } from './read/federated/federated-reads.ts';
import { routeFederation } from './federation/federation-routes.ts';
import { ReadCoverage } from './read/federated/read-coverage.ts';
import { LinkRegistry } from './access/links/link-registry.ts';
import { routeLinks } from './access/links/link-routes.ts';
import { SamplingRegistry } from './control/sampling/sampling-registry.ts';
import { samplingCallerOf } from './control/sampling/sampling-caller.ts';
import { routeSampling } from './control/sampling/sampling-routes.ts';
import { routeSpanMetrics } from './read/metrics/span-metrics-routes.ts';
import { SloRegistry } from './control/slo/slo-registry.ts';
import { Canaries } from './control/canaries/canaries.ts';
import { CanaryRegistry } from './control/canaries/canary-registry.ts';
import { CanaryRuns } from './control/canaries/canary-runs.ts';
import { routeCanaries } from './control/canaries/canary-routes.ts';
import { routeAlarms } from './control/alarms/alarm-routes.ts';
import { startAlarms } from './control/alarms/alarm-service.ts';
import type { AlarmOptions } from './control/alarms/alarm-scheduler.ts';
import { actorOf, refusalOf, routeClassOf, type Principal } from './access/access-policy.ts';
import { UsageMeter } from './derive/usage-meter.ts';
import { PriceBook } from './control/cost/price-book.ts';
import { routeCost } from './control/cost/cost-routes.ts';
import { handleOtlpLogs } from './ingest/otlp-logs-handler.ts';
import { searchLogsRoute } from './read/logs/log-query-route.ts';
import type { TelemetryType } from './access/links/link-model.ts';
import { AuthFailures } from './access/auth-failures.ts';
import { isLoopbackAddress, isLoopbackHost } from './access/loopback.ts';
import { ReadAllowList } from '@stitch/federation';
import { TokenRegistry } from './access/tokens/token-registry.ts';
import { routeTokens } from './access/tokens/token-routes.ts';
import { ScopedReads, type SideReads } from './access/scoped-reads.ts';
import { serveConsole } from '@stitch/console';

export interface CentralOptions {
  store: CentralStore;
  port?: number;
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
  maxPendingSpans?: number;
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
  /** Writes the service map's counts now; `settleAll` also settles calls still waiting for their callee. */
  flushServiceMap(settleAll?: boolean): Promise<void>;
  /** Writes the span metrics counted so far to the store. */
  flushMetrics(): Promise<void>;
  /** Writes the usage counted so far (the cost profile) to the store. */
  flushUsage(): Promise<void>;
  close(): Promise<void>;
}


const DEFAULT_MAX_SPANS_PER_TRACE = 100_000;
const DEFAULT_QUERY_BUDGET_MS = 10_000;

export async function startCentral(options: CentralOptions): Promise<RunningCentral> {
  const log = options.log ?? ((message: string) => console.error(message));
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const configuredTokens = { adminToken: options.adminToken, readToken: options.readToken };
  const credentials = await TokenRegistry.open(options.tokensFile ?? null, configuredTokens, now);
  const openToNetwork = () => new Error(`adminToken: central would listen on ${host} with no credential; give it an admin token (STITCH_ADMIN_TOKEN), or insecure to accept that`);
  const mustStayLocal = !credentials.guard.admin && !options.insecure;
  if (mustStayLocal && !(await isLoopbackHost(host))) throw openToNetwork();
  const federation = options.federation ?? {};
  let allowList: ReadAllowList;
  try {
    allowList = ReadAllowList.of(federation.allowReadUrls ?? []);
  } catch (error) {
    throw new Error(`federation.allowReadUrls: ${(error as Error).message}`);
  }
  const authFailures = new AuthFailures(now);
  const store = options.store;
  const pool = new DecodePool(options.decodeWorkers ?? 2, log);
  const usage = new UsageMeter({ now, log });
  // Calls from federated accounts reach central only after their agent's own wait and a
  // heartbeat: central's wait is longer, so a piped call still waits for its federated callee.
  // The map, span metrics and usage count every stored write, in the order the queue numbers them.
  const derived = await DerivedFigures.open(store, { pairWaitMs: 25_000, ...options.serviceMap, usage, log, now });
  const writes = new WriteQueue(store, derived);
  const mapClock: MapClock = { now, settledThroughMs: () => derived.settledThroughMs, observedSince: new ObservedSince(now) };
  const startedAt = now();
  const links = options.links ?? (await LinkRegistry.open(null, now));
  const sampling = options.sampling ?? (await SamplingRegistry.open(null, now));
  const reservoirs = new ReservoirDivider();
  const slos = options.slos ?? (await SloRegistry.open(null, now));
  const alarms = await startAlarms(options.alarms ?? {}, store, slos, now, log);
  const tail = options.tailSampling ? new TailSampler(options.tailSampling) : null;
  const storeKept = async (everything = false) => {
    const kept = tail!.decide(now(), Math.random, everything);
    if (kept.length === 0) return;
    const batch = spansToBatch(kept.flat());
    try {
      await writes.write(batch);
    } catch (error) {
      log(`tail sampling: ${kept.length} kept traces not stored (${(error as Error).message})`);
    }
  };
  const tailTimer = tail ? setInterval(() => void storeKept(), Math.max(50, Math.min(1_000, options.tailSampling!.idleMs / 2))) : null;
  tailTimer?.unref();
  const defaultAccount = options.defaultAccount ?? { id: 'local', label: 'local' };
  const prices = options.prices ?? (await PriceBook.open(null, now));
  /** Spans central makes itself (canary runs): stored and counted like ingested ones. */
  const storeOwnSpans = async (batch: SpanBatch) => {
    await writes.write(batch);
  };
  const canaries = new Canaries(options.canaries ?? (await CanaryRegistry.open(null, now)), { store: storeOwnSpans, log, now, runs: options.canaryRuns ?? (await CanaryRuns.open(null)) });
  const members = new FederationMembers({ timeoutMs: federation.timeoutMs ?? 3_000, now, activeLink: (linkId) => links.activeLink(linkId, 'traces'), allowList });
  const federatedSearch = {
    pageSize: federation.searchPageSize ?? 200,
    maxPageSize: 5_000,
    maxCandidates: federation.maxCandidates ?? 200_000,
    partSlackNanos: BigInt(federation.partSlackMs ?? 300_000) * 1_000_000n,
  };
  /** This request's view of every account (or of a scoped reader's accounts), and what it could not cover. */
  const readView = (who: Principal) => {
    const readable = members.readable();
    const coverage = new ReadCoverage();
    const reads: TraceReads = readable.length === 0 ? store : new FederatedReads(store, readable, coverage, federatedSearch);
    if (who.kind !== 'reader' || who.accounts === null) return { reads, side: store, scope: null, coverage };
    const scoped = new ScopedReads(reads, store, who.accounts, coverage);
    return { reads: scoped, side: scoped, scope: scoped, coverage };
  };
  const bodies = new BodyBudget(options.maxBodyBytesInFlight);
  const ingest = {
    pool,
    writes,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    bodies,
    maxSpansPerRequest: options.maxSpansPerRequest ?? DEFAULT_MAX_SPANS_PER_REQUEST,
    traceSizeLimit: new TraceSizeLimit(options.maxSpansPerTrace ?? DEFAULT_MAX_SPANS_PER_TRACE),
    maxPendingSpans: options.maxPendingSpans ?? 500_000,
    onIngested: (batch: SpanBatch, requestBytes: number) => usage.ingested(batch, requestBytes),
    figuresUnavailable: () => derived.unavailable(),
    ...(tail ? { holdForTailSampling: (batch: SpanBatch) => tail.add(batchToSpans(batch), now()) } : {}),
  };

  const queryBudgetMs = options.queryBudgetMs ?? DEFAULT_QUERY_BUDGET_MS;
  const readSlots = new ReadSlots({ perCredential: options.readsPerCredential ?? 2, maxWaiting: 8, maxWaitMs: queryBudgetMs / 2 });

  const logIngest = { store, maxBodyBytes: ingest.maxBodyBytes, bodies, maxRecordsPerRequest: ingest.maxSpansPerRequest, deliveries: new RecentKeys(100_000) };

  /**
   * Who the Authorization header says the request is: a 401 for a malformed or unknown credential,
   * a 403 for a deleted link's. Past AUTH_FAILURES_PER_MINUTE failures from one address, it is
   * answered 429, and the admin and read tokens (chosen by people, so guessable) are not even
   * checked from it until it may fail again; link tokens (256 random bits) still are, so one
   * misconfigured agent does not stop the others on its host.
   */
  function principalOf(req: IncomingMessage): Principal {
    const header = req.headers.authorization;
    if (header === undefined) return { kind: 'anonymous' };
    const address = req.socket.remoteAddress;
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (token === undefined) throw authFailure(address, 'authorization: expected "Bearer <token>" (a link token, or central\'s admin or read token)');
    const link = links.linkOf(token);
    if (link) return { kind: 'link', link, token };
    const waitSeconds = authFailures.retryAfterSeconds(address);
    if (waitSeconds > 0) throw tooManyFailures(waitSeconds);
    const holder = credentials.holderOf(token);
    if (holder?.role === 'admin') return { kind: 'admin' };
    if (holder?.role === 'reader') return { kind: 'reader', tokenId: holder.tokenId, accounts: holder.accounts };
    throw authFailure(address, "authorization: unknown token: not a link token (stitch link create), nor central's admin or read token");
  }

  /** The 401 for a failed authentication, or the 429 once the address is past its budget. */
  function authFailure(address: string | undefined, message: string): ApiError {
    const waitSeconds = authFailures.failed(address);
    return waitSeconds > 0 ? tooManyFailures(waitSeconds) : new ApiError(401, message, { headers: { 'www-authenticate': 'Bearer' } });
  }

  /** A link's credential decides the account, whatever the payload says; without one, spans are central's own. */
  function accountOf(who: Principal, type: TelemetryType = 'traces'): Account {
    if (who.kind !== 'link') return defaultAccount;
    const link = links.admit(who.link, type);
    return { id: link.accountId, label: link.label };
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://central');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const who = principalOf(req);
    const routeClass = routeClassOf(method, path);
    const refusal = refusalOf(routeClass, who, credentials.guard, path);
    if (refusal) throw refusal;
    if (routeClass !== 'read') return dispatch(req, res, url, who);
    // The budget covers the wait for a read slot too: a read is answered or refused within it.
    return withinReadBudget(queryBudgetMs, () => readSlots.run(credentialOf(who, req), () => dispatch(req, res, url, who)));
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse, url: URL, who: Principal): Promise<void> {
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (path === '/v1/traces') {
      if (method !== 'POST') throw new ApiError(405, 'method: /v1/traces takes POST', { headers: { allow: 'POST' } });
      return handleOtlpTraces(req, res, ingest, accountOf(who));
    }
    if (path === '/v1/logs') return handleOtlpLogs(req, res, logIngest, accountOf(who, 'logs'));
    if (await routeTokens(req, res, path, credentials, configuredTokens)) return;
    if (await routeLinks(req, res, path, links)) return;
    const view = readView(who);
    if (
      path.startsWith('/api/federation') &&
      (await routeFederation(req, res, path, who, { links, members, heartbeatMs: federation.heartbeatMs ?? 5_000, pairAcrossAccounts: (spans) => derived.addUnpaired(spans), writeMetrics: (records) => store.writeMetricRecords(records) }))
    ) {
      return;
    }
    if (await routeSpanMetrics(req, res, path, url, { registry: slos, store: view.side, now, ...(view.scope ? { visible: (slo) => view.scope.isOwn(slo.selector.account ?? '') } : {}) })) return;
    if (await routeAlarms(req, res, path, url, alarms)) return;
    if (await routeCanaries(req, res, path, url, canaries)) return;
    if (path.startsWith('/api/cost') && (await routeCost(req, res, path, url, { store: view.side, prices, sampling, flushUsage: () => outsideReadBudget(() => derived.flush()), now, actor: actorOf(who) }))) return;
    if (path.startsWith('/api/sampling/') && (await routeSampling(req, res, path, url, sampling, reservoirs, now, samplingCallerOf(who, defaultAccount.id)))) return;
    if (method !== 'GET' && method !== 'HEAD') throw new ApiError(405, `method: ${method} is not allowed on ${path}`, { headers: { allow: 'GET' } });
    if (path === '/api/health') {
      return sendJson(res, 200, { status: 'ok', uptimeSeconds: Math.round((now() - startedAt) / 1000), pendingSpans: writes.pendingSpans });
    }
    if (path === '/api/sampling/tail') {
      return sendJson(res, 200, tail ? { enabled: true, policies: options.tailSampling, counts: tail.counts, waitingSpans: tail.waitingSpans } : { enabled: false });
    }
    const answer = readAnswer(path, url.searchParams, view.side, view.scope);
    if (answer) {
      const { reads, coverage, scope } = view;
      const shown = scope ? (accountId: string) => scope.isOwn(accountId) : undefined;
      const body = await answer(usage.metered(reads)).catch((error: unknown) => {
        // "Not found" while an account did not answer may only mean it holds the spans.
        const partial = coverage.json(shown);
        if (!(error instanceof ApiError) || !partial) throw error;
        const missing = partial.missingAccounts.map((account) => `${account.label} (${account.reason})`).join(', ');
        throw new ApiError(error.status, `${error.message}${missing ? `; not every account answered: ${missing}` : ''}`, { headers: error.headers, details: { ...error.details, partial } });
      });
      const partial = coverage.json(shown);
      return sendJson(res, 200, partial ? { ...body, partial } : body);
    }
    if (await serveConsole(req, res, path)) return;
    throw new ApiError(404, `path: no route for ${method} ${path} (see the README for the API)`);
  }

  /** The read routes: each builds its answer from a view of the stores. */
  function readAnswer(path: string, params: URLSearchParams, logs: SideReads, scope: ScopedReads | null): ((reads: TraceReads) => Promise<object>) | null {
    if (path === '/api/services') return (reads) => listServices(reads, params);
    if (path === '/api/accounts') return (reads) => listAccounts(reads, links, members, scope ? (id) => scope.isOwn(id) : () => true);
    if (path === '/api/traces') return (reads) => searchTraces(reads, params, now);
    if (path.startsWith('/api/traces/')) return (reads) => getTrace(reads, path.slice('/api/traces/'.length));
    if (path === '/api/diagnose') return (reads) => diagnoseTraces(reads, params, now);
    // A scoped reader's map: its records only, and its own first span for the rates (not the shared cache's).
    const visible = scope ? (records: GraphRecord[]) => scope.visibleGraphRecords(records) : undefined;
    const clock = scope ? { ...mapClock, observedSince: new ObservedSince(now) } : mapClock;
    if (path === '/api/service-map') return (reads) => serviceMap(reads, params, clock, options.serviceMap?.health, visible);
    if (path === '/api/propagation') return (reads) => propagationReport(reads, params, clock, visible);
    if (path === '/api/logs') return (reads) => searchLogsRoute(reads, logs, params, now);
    return null;
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      // Store failures are not the client's fault and may pass: tell OTLP clients to retry. A
      // query past its budget would fail again as asked: the client must ask for less.
      const apiError = error instanceof QueryBudgetExceeded ? new ApiError(422, error.message, { cause: error }) : error instanceof StoreError ? new ApiError(503, `store unavailable: ${error.message}`, { cause: error, headers: { 'retry-after': String(STORE_RETRY_AFTER_S) } }) : toApiError(error, log);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (req.url?.startsWith('/v1/traces') || req.url?.startsWith('/v1/logs')) {
        req.resume();
        let format: 'protobuf' | 'json' = 'json';
        try {
          format = formatOf(req.headers['content-type']);
        } catch {
          // unknown content type: answer in JSON
        }
        sendOtlpError(res, format, apiError);
      } else {
        replyWithError(req, res, apiError, log);
      }
    });
  });
  // Slow or stuck clients must not hold sockets forever.
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8700, host, () => resolve());
  });
  const close = async () => {
    await canaries.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await pool.close();
    await alarms.scheduler.close();
    if (tailTimer) {
      clearInterval(tailTimer);
      await storeKept(true);
    }
    await derived.close();
  };
  const bound = server.address() as AddressInfo;
  // A name is resolved again to listen: the address actually bound is what must be loopback.
  if (mustStayLocal && !isLoopbackAddress(bound.address)) {
    await close();
    throw openToNetwork();
  }
  const port = bound.port;
  canaries.start();

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    flushServiceMap: (settleAll = false) => derived.flush(settleAll),
    flushMetrics: () => derived.flush(),
    flushUsage: () => derived.flush(),
    close,
  };
}

const tooManyFailures = (waitSeconds: number) =>
  new ApiError(429, `authorization: too many failed authentications from this address; retry in ${waitSeconds} s`, { headers: { 'retry-after': String(waitSeconds) } });

/** Whose reads share one set of read slots: each link, each read token, the admin token, each anonymous client address. */
function credentialOf(who: Principal, req: IncomingMessage): string {
  if (who.kind === 'link') return `link ${who.link.id}`;
  if (who.kind === 'anonymous') return `anonymous ${req.socket.remoteAddress ?? ''}`;
  if (who.kind === 'reader') return `reader ${who.tokenId ?? ''}`;
  return who.kind;
}
