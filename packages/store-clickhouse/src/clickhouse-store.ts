import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type { GraphRecord } from '@stitch/graph';
import { batchToSpans, nanos, spansToBatch, type LogRecord, type Nanos, type Span, type SpanBatch, type SpanOutline, type TraceStatus, type TraceSummary, type UsageRow } from '@stitch/model';
import { histogramFromCounts, type DurationHistogram, type FilterExpr, type MetricCell, type MetricsQuery, type SpanKey, valueOfKey, type StructureExpr } from '@stitch/query';
import { writesFromRows, outlineFromRow, OUTLINE_SPAN_COLUMNS, type OutlineRow, graphRecordOf, logFromRow, type DerivedCheckpoint, type DerivedCommit, type StoredWrite, metricRecordOf, usageFromRow, searchNewestFirst, spanFromRow, StoreError, currentReadBudget, type AccountSummary, type LogQuery, type ServiceSummary, type StoreStats, type TraceQuery, type CentralStore, type UsageSelector, type WriteTimer, type AttributeNames, type DiscoveryWindow, type ValueCount, type MetricsQueryRange } from '@stitch/store';
import { graphRowOf, readGraphSql } from './graph-sql.ts';
import { dropExpiredPartitions } from './retention.ts';
import { featuresOf, MIGRATIONS, schemaTable } from './schema.ts';
import type { ListsPrefix } from './span-layout.ts';
import { localTable, sharedTable, type TableLayout } from './table-layout.ts';
import { buildHistogramSql, buildSearchSql, structureQueries } from './search-sql.ts';
import { attributeNamesSql, attributeValuesSql, type SpanTables } from './discovery-sql.ts';
import { cellOfRow, metricCellsSql } from './metrics-query-sql.ts';
import { tracesSelected, type ResolvedStructures, type StructureRow } from './structure-sql.ts';
import { identifier, int64, text } from './sql-literals.ts';
import { SPAN_ROW_SELECT, spanRowsOf, wellFormed } from './span-rows.ts';
import { spanRowOf, type StoredSpanRow } from './legacy-span-rows.ts';
import { readUsageSql, usageRowOf } from './usage-tables.ts';
import { metricRowOf, readMetricsSql } from './metric-tables.ts';
import type { MetricRecord, MetricSelector } from '@stitch/metrics';
import { buildLogSearchSql, logRowOf } from './log-tables.ts';
import { checkpointOf, derivedCommitRow, readCheckpointSql } from './derived-tables.ts';

export interface ClickHouseStoreOptions {
  /**
   * One HTTP URL per shard (`http://user:password@host:8123`). One URL: a single node. Several:
   * a cluster whose `remote_servers` entry (`cluster`) lists exactly these shards; the schema is
   * created on each, and reads and writes go through the first.
   */
  urls: readonly string[];
  /** The cluster's name in the servers' remote_servers (default "stitch"); only with several URLs. */
  cluster?: string;
  database?: string;
  /** For URLs that carry none (a password in a URL shows in `ps`). */
  password?: string;
  /** Whole days of spans, traces and service-map counts kept; older days are dropped (checked hourly). Unset: kept forever. */
  retentionDays?: number;
}

const DELIVERY_MEMORY_DAYS = 7;
const RETENTION_CHECK_MS = 3600_000;
// Queries carry their values inline (sql-literals.ts): room for a few thousand trace ids.
const READ_SETTINGS: ClickHouseSettings = { max_query_size: String(16 << 20) };

/** Opens (creating or migrating the schema on every node) the scale-out store. */
export async function openClickHouseStore(options: ClickHouseStoreOptions): Promise<ClickHouseStore> {
  if (options.urls.length === 0) throw new StoreError('clickhouse: no server URL given');
  const layout: TableLayout = {
    database: identifier(options.database ?? 'stitch'),
    cluster: options.urls.length > 1 ? identifier(options.cluster ?? 'stitch') : null,
  };
  const nodes = options.urls.map((url) => clientOf(url, options.password));
  try {
    await translate('open', async () => {
      for (const [i, node] of nodes.entries()) await migrate(node, layout, options.urls[i]!);
      if (layout.cluster) await checkCluster(nodes[0]!, layout.cluster, options.urls.length);
    });
  } catch (error) {
    await Promise.all(nodes.map((node) => node.close()));
    throw error;
  }
  const store = new ClickHouseStore(nodes, layout, options);
  if (options.retentionDays !== undefined) await store.dropExpired();
  return store;
}

function clientOf(address: string, password = ''): ClickHouseClient {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new StoreError(`clickhouse: "${address}" is not a URL (http://host:8123)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new StoreError(`clickhouse: "${address}" is not an http(s) URL`);
  return createClient({
    url: url.origin,
    username: decodeURIComponent(url.username) || 'default',
    password: decodeURIComponent(url.password) || password,
    // Long scans (a month of spans) outlast the default 30 s; progress headers keep the connection busy meanwhile.
    request_timeout: 300_000,
    clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '10000' },
    // Loopback or a data-centre network: compressing answers costs more CPU than it saves.
    compression: { request: false, response: false },
    // Idle connections are dropped well before the server's keep-alive timeout (3 s in Debian's
    // configuration), so a connection the server has just closed is never reused (EPIPE).
    keep_alive: { idle_socket_ttl: 1000, eagerly_destroy_stale_sockets: true },
  });
}

/** Applies the migration steps not yet applied on this node, through `throughStep` (all of them unless a test stops earlier). */
export async function migrate(node: ClickHouseClient, layout: TableLayout, url: string, throughStep = MIGRATIONS.length): Promise<void> {
  await node.command({ query: `CREATE DATABASE IF NOT EXISTS ${layout.database}` });
  await node.command({ query: schemaTable(layout) });
  const [server] = await rows<{ version: string }>(node, 'SELECT version() AS version');
  const [schema] = await rows<{ applied: number }>(node, `SELECT toUInt32(max(version)) AS applied FROM ${layout.database}.stitch_schema`);
  const features = featuresOf(server!.version);
  const applied = schema!.applied;
  for (let step = Number(applied) + 1; step <= throughStep; step++) {
    try {
      for (const statement of MIGRATIONS[step - 1]!(layout, features)) await node.command({ query: statement });
      await node.command({ query: `INSERT INTO ${layout.database}.stitch_schema VALUES (${step}, ${Date.now()})` });
    } catch (error) {
      throw new StoreError(`clickhouse: migration to schema version ${step} failed on ${new URL(url).host}: ${(error as Error).message}`, { cause: error });
    }
  }
}

async function checkCluster(node: ClickHouseClient, cluster: string, urls: number): Promise<void> {
  const [row] = await rows<{ shards: string }>(node, `SELECT toString(uniqExact(shard_num)) AS shards FROM system.clusters WHERE cluster = ${text(cluster)}`);
  const shards = Number(row?.shards ?? 0);
  if (shards !== urls) {
    throw new StoreError(`clickhouse: cluster "${cluster}" has ${shards} shards in the server's remote_servers, but ${urls} URLs were given (one per shard)`);
  }
}

async function rows<T = Record<string, unknown>>(node: ClickHouseClient, query: string, settings: ClickHouseSettings = READ_SETTINGS): Promise<T[]> {
  const result = await node.query({ query, format: 'JSONEachRow', clickhouse_settings: settings });
  return result.json<T>();
}

async function translate<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(`clickhouse: ${what} failed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The scale-out store: ClickHouse over HTTP, one node or a sharded cluster. Each write is one
 * insert of spans (central's write queue already groups concurrent requests into one write, as
 * ClickHouse wants few large inserts); an insert through a Distributed table is synchronous, so
 * a write resolves once its spans are queryable on their shard.
 */
export class ClickHouseStore implements CentralStore {
  private readonly writesInFlight = new Set<Promise<unknown>>();
  private readonly retentionTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** The newest checkpoint's number, once read. */
  private commitNo: number | null = null;

  constructor(
    private readonly nodes: readonly ClickHouseClient[],
    private readonly layout: TableLayout,
    private readonly options: ClickHouseStoreOptions,
  ) {
    if (options.retentionDays !== undefined) {
      // A retention that keeps failing fills the disks: said where the operator looks, and tried again next hour.
      this.retentionTimer = setInterval(() => this.dropExpired().catch((error: Error) => console.error(`stitch: ${error.message}`)), RETENTION_CHECK_MS);
      this.retentionTimer.unref();
    }
  }

  private get node(): ClickHouseClient {
    return this.nodes[0]!;
  }

  private table(name: string): string {
    return sharedTable(this.layout, name);
  }

  private spanTables(): SpanTables {
    return { shared: sharedTable(this.layout, 'spans'), local: localTable(this.layout, 'spans') };
  }

  /** `timer` is told the whole insert as the append: each ClickHouse insert commits itself. */
  writeBatch(batch: SpanBatch, deliveryIds: readonly string[] = [], ingestSeq?: number, timer?: WriteTimer): Promise<SpanBatch> {
    if (batch.length === 0 && deliveryIds.length === 0) return Promise.resolve(batch);
    if (this.closed) return Promise.reject(new StoreError('clickhouse: the store is closed'));
    const started = performance.now();
    const write = translate('write', () => this.insert(batch, deliveryIds, ingestSeq)).then((stored) => {
      timer?.('store-append', (performance.now() - started) * 1_000);
      return stored;
    });
    this.writesInFlight.add(write);
    void write.catch(() => {}).finally(() => this.writesInFlight.delete(write));
    return write;
  }

  /**
   * The delivery ids first, each with the write that carries it and its row count, then the one
   * insert of the spans (the views add the trace parts and the count of rows landed). A delivery
   * counts as stored once its write's rows have all landed. A write can land in part (a central
   * killed while the body streamed: the server takes the rows it received; a shard failing
   * mid-insert): the sender's retry then writes only the rows not yet there, so each span is
   * stored once and the trace's parts add up. Resolves with the rows this write inserted.
   */
  private async insert(batch: SpanBatch, deliveryIds: readonly string[], ingestSeq: number | undefined): Promise<SpanBatch> {
    const rows = deliveryIds.length > 0 ? await this.withoutLandedRows(batch, deliveryIds) : batch;
    const writeId = randomUUID();
    const settings: ClickHouseSettings = { insert_distributed_sync: 1 };
    if (deliveryIds.length > 0) {
      const storedAt = String(Date.now());
      const deliveries = deliveryIds.map((id) => ({ delivery_id: wellFormed(id), write_id: writeId, expected_rows: String(rows.length), stored_at_ms: storedAt }));
      await this.node.insert({ table: this.table('deliveries'), values: deliveries, format: 'JSONEachRow', clickhouse_settings: settings });
    }
    if (rows.length > 0) await this.node.insert({ table: this.table('spans'), values: Readable.from(spanRowsOf(rows, writeId, ingestSeq)), format: 'JSONEachRow', clickhouse_settings: settings });
    return rows;
  }

  /** The batch less the rows that earlier, partly landed attempts of these deliveries stored. */
  private async withoutLandedRows(batch: SpanBatch, deliveryIds: readonly string[]): Promise<SpanBatch> {
    const partial = (await this.attemptsOf(deliveryIds)).filter((a) => a.landed > 0 && a.landed < a.expected).map((a) => a.writeId);
    if (partial.length === 0) return batch;
    const landed = await this.read<{ trace_id: string; span_id: string }>(
      `SELECT trace_id, span_id FROM ${this.table('spans')} PREWHERE trace_id IN ${inList([...new Set(batch.traceId)])} WHERE write_id IN ${inList(partial)}`,
    );
    const stored = new Set(landed.map((row) => `${row.trace_id}/${row.span_id}`));
    return spansToBatch(batchToSpans(batch).filter((span) => !stored.has(`${span.traceId}/${span.spanId}`)));
  }

  /** Each write that carried one of these deliveries: how many rows it was to hold, and how many landed. */
  private async attemptsOf(deliveryIds: readonly string[]): Promise<Array<{ deliveryId: string; writeId: string; expected: number; landed: number }>> {
    const attempts = await this.read<{ delivery_id: string; write_id: string; expected_rows: string }>(
      `SELECT delivery_id, write_id, toString(expected_rows) AS expected_rows FROM ${this.table('deliveries')} WHERE delivery_id IN ${inList(deliveryIds)}`,
    );
    const writeIds = [...new Set(attempts.map((a) => a.write_id))];
    const landed = new Map<string, number>();
    if (writeIds.length > 0) {
      const writes = await this.read<{ write_id: string; rows: string }>(
        `SELECT write_id, toString(sum(written_rows)) AS rows FROM ${this.table('writes')} WHERE write_id IN ${inList(writeIds)} GROUP BY write_id`,
      );
      for (const write of writes) landed.set(write.write_id, Number(write.rows));
    }
    return attempts.map((a) => ({ deliveryId: a.delivery_id, writeId: a.write_id, expected: Number(a.expected_rows), landed: landed.get(a.write_id) ?? 0 }));
  }

  storedDeliveries(deliveryIds: readonly string[]): Promise<Set<string>> {
    if (deliveryIds.length === 0) return Promise.resolve(new Set());
    // A delivery may have had several attempts (writes); one whose rows all landed is enough.
    return translate('delivery lookup', async () => new Set((await this.attemptsOf(deliveryIds)).filter((a) => a.landed === a.expected).map((a) => a.deliveryId)));
  }

  getTrace(traceId: string): Promise<Span[]> {
    return translate('trace lookup', async () => (await this.spansOf([traceId])).get(traceId) ?? []);
  }

  getTraces(traceIds: readonly string[]): Promise<Map<string, Span[]>> {
    return translate('trace lookup', () => this.spansOf(traceIds));
  }

  getTraceOutline(traceId: string): Promise<SpanOutline[]> {
    return translate('trace outline', async () => {
      const rows = await this.read<OutlineRow & Pick<StoredSpanRow, 'detail_json' | 'resource_json'>>(
        `SELECT trace_id, span_id, parent_span_id, ${OUTLINE_SPAN_COLUMNS}, detail_json, resource_json ${this.spansOfTraces([traceId])}`,
      );
      // A row stored before the typed columns keeps its status message and account label in its detail.
      return rows.map((row) => outlineFromRow(row.detail_json === '' ? row : spanRowOf(row as StoredSpanRow)));
    });
  }

  getSpans(traceId: string, spanIds: readonly string[]): Promise<Span[]> {
    return translate('span lookup', async () => {
      if (spanIds.length === 0) return [];
      const rows = await this.read<StoredSpanRow>(`SELECT ${SPAN_ROW_SELECT} ${this.spansOfTraces([traceId])} AND span_id IN ${inList(spanIds)}`);
      return rows.map((row) => spanFromRow(spanRowOf(row)));
    });
  }

  /**
   * The FROM and WHERE of the traces' spans: the lookup table gives the traces' time range (scalar
   * subqueries, run before the scan), so the span scan reads only that range of each day and
   * service; PREWHERE reads the trace id column first and the rest only for the rows that match.
   */
  private spansOfTraces(traceIds: readonly string[]): string {
    const ids = inList(traceIds);
    const parts = `${this.table('trace_parts')} WHERE trace_id IN ${ids}`;
    return `FROM ${this.table('spans')}
       PREWHERE trace_id IN ${ids}
       WHERE start_ns >= (SELECT min(part_start_ns) FROM ${parts}) AND start_ns <= (SELECT max(part_end_ns) FROM ${parts})`;
  }

  traceIdsStartedIn(startNanos: Nanos, endNanos: Nanos, limit: number): Promise<string[]> {
    return translate('traces by span start', async () => {
      const found = await this.read<{ trace_id: string }>(
        `SELECT DISTINCT trace_id FROM ${this.table('spans')} WHERE start_ns >= ${BigInt(startNanos)} AND start_ns < ${BigInt(endNanos)} LIMIT ${Math.floor(limit)}`,
      );
      return found.map((row) => row.trace_id);
    });
  }

  private async spansOf(traceIds: readonly string[]): Promise<Map<string, Span[]>> {
    const found = new Map<string, Span[]>();
    if (traceIds.length === 0) return found;
    const spans = await this.read<StoredSpanRow>(`SELECT ${SPAN_ROW_SELECT} ${this.spansOfTraces(traceIds)}`);
    for (const row of spans) {
      const span = spanFromRow(spanRowOf(row));
      const list = found.get(span.traceId);
      if (list) list.push(span);
      else found.set(span.traceId, [span]);
    }
    return found;
  }

  searchTraces(query: TraceQuery): Promise<TraceSummary[]> {
    return translate('search', () => searchNewestFirst(query, (slice) => this.searchSlice(slice)));
  }

  private async searchSlice(query: TraceQuery): Promise<TraceSummary[]> {
    const found = await this.read(buildSearchSql(this.layout, query, await this.resolveStructures(query)), this.perShard());
    return found.map((row) => ({
      traceId: row.trace_id as string,
      rootServiceName: (row.root_known ? row.trace_root_service : row.trace_first_service) as string,
      rootSpanName: (row.root_known ? row.trace_root_name : row.trace_first_name) as string,
      startTimeUnixNano: nanos(BigInt(row.trace_start as string)),
      durationNanos: nanos(BigInt(row.trace_end as string) - BigInt(row.trace_start as string)),
      spanCount: Number(row.trace_span_count),
      services: row.trace_services as string[],
      accounts: row.trace_accounts as string[],
      status: (row.trace_status || 'unknown') as TraceStatus,
      errorSpanCount: Number(row.trace_error_count),
    }));
  }

  durationHistogram(query: Omit<TraceQuery, 'limit'>): Promise<DurationHistogram> {
    return translate('histogram', async () => {
      const counts = await this.read(buildHistogramSql(this.layout, query, await this.resolveStructures(query)), this.perShard());
      return histogramFromCounts(counts.map((row) => ({ bucket: Number(row.bucket), count: Number(row.count) })));
    });
  }

  metricCells(query: MetricsQuery, range: MetricsQueryRange): Promise<MetricCell[]> {
    return translate('metrics query', async () => (await this.read(metricCellsSql(this.spanTables(), query, range))).map((row) => cellOfRow(query, row)));
  }

  attributeNames(window: DiscoveryWindow, limit: number): Promise<AttributeNames> {
    return translate('attribute names', async () => {
      const of = async (prefix: ListsPrefix) =>
        (await this.read<{ name: string; count: string }>(attributeNamesSql(this.table('spans'), window, prefix, limit))).map((row) => ({ name: row.name, count: Number(row.count) }));
      const [span, resource, event, link] = await Promise.all([of(''), of('resource_'), of('event_'), of('link_')]);
      return { span, resource, event, link };
    });
  }

  attributeValues(window: DiscoveryWindow, key: SpanKey, spans: FilterExpr | null, limit: number): Promise<ValueCount[]> {
    return translate('attribute values', async () => {
      const rows = await this.read<{ value_key: string; count: string }>(attributeValuesSql(this.spanTables(), window, key, spans, limit));
      return rows.map((row) => ({ value: valueOfKey(row.value_key)!, count: Number(row.count) }));
    });
  }

  /** The traces each structural operator of the filter selects in the query's window (structure-sql.ts). */
  private async resolveStructures(query: Omit<TraceQuery, 'limit'>): Promise<ResolvedStructures> {
    const resolved = new Map<StructureExpr, readonly string[]>();
    for (const { request, sql } of structureQueries(this.layout, query)) {
      resolved.set(request.node, tracesSelected(request.node, await this.read<StructureRow>(sql)));
    }
    return resolved;
  }

  /** Search runs whole on each shard (a trace lives on one): the shards' answers are merged, not their partial aggregates. */
  private perShard(): ClickHouseSettings {
    return this.layout.cluster ? { ...READ_SETTINGS, distributed_group_by_no_merge: '1' } : READ_SETTINGS;
  }

  listServices(): Promise<ServiceSummary[]> {
    return translate('list services', async () => {
      const found = await this.read(
        `SELECT service_name, arraySort(groupUniqArray(account_id)) AS accounts, toString(count()) AS spans
         FROM ${this.table('spans')} GROUP BY service_name ORDER BY service_name`,
      );
      return found.map((row) => ({ serviceName: row.service_name as string, accounts: row.accounts as string[], spanCount: Number(row.spans) }));
    });
  }

  listAccounts(): Promise<AccountSummary[]> {
    return translate('list accounts', async () => {
      const found = await this.read(
        `SELECT account_id, argMax(account_label, end_ns) AS label, arraySort(groupUniqArray(service_name)) AS services,
                toString(count()) AS spans, toString(max(end_ns)) AS last_seen, toString(min(start_ns)) AS first_seen
         FROM ${this.table('spans')} GROUP BY account_id ORDER BY account_id`,
      );
      return found.map((row) => ({
        accountId: row.account_id as string,
        label: row.label as string,
        services: row.services as string[],
        spanCount: Number(row.spans),
        lastSeenNanos: nanos(BigInt(row.last_seen as string)),
        firstSeenNanos: nanos(BigInt(row.first_seen as string)),
      }));
    });
  }

  writeGraphRecords(records: readonly GraphRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.insertRows('service-map write', 'graph_buckets', records, graphRowOf);
  }

  /** Log records, one insert (log-tables.ts); synchronous through a Distributed table, so queryable once it resolves. */
  writeLogs(records: readonly LogRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.insertRows('log write', 'logs', records, logRowOf);
  }

  searchLogs(query: LogQuery): Promise<LogRecord[]> {
    return translate('log search', async () => (await this.read(buildLogSearchSql(this.layout, query))).map(logFromRow));
  }

  /** Span-metric records, one insert (metric-tables.ts); the table adds up repeated keys. */
  writeMetricRecords(records: readonly MetricRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.insertRows('metrics write', 'metric_buckets', records, metricRowOf);
  }

  readMetricRecords(startMs: number, endMs: number, selector?: MetricSelector, stepMs?: number): Promise<MetricRecord[]> {
    return translate('metrics read', async () => (await this.read(readMetricsSql(this.layout, startMs, endMs, selector, stepMs))).map(metricRecordOf));
  }

  /** Usage rows, one insert (usage-tables.ts). */
  addUsage(rows: readonly UsageRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.insertRows('usage write', 'usage', rows, usageRowOf);
  }

  readUsage(startDay: string, endDay: string, selector?: UsageSelector): Promise<UsageRow[]> {
    return translate('usage read', async () => (await this.read(readUsageSql(this.layout, startDay, endDay, selector))).map(usageFromRow));
  }

  /** One insert, synchronous through a Distributed table: the rows are queryable once it resolves. */
  private insertRows<T>(what: string, table: string, records: readonly T[], rowOf: (record: T) => Record<string, unknown>): Promise<void> {
    return translate(what, async () => {
      if (this.closed) throw new StoreError('clickhouse: the store is closed');
      await this.node.insert({ table: this.table(table), values: records.map(rowOf), format: 'JSONEachRow', clickhouse_settings: { insert_distributed_sync: 1 } });
    });
  }

  readGraphRecords(startMs: number, endMs: number): Promise<GraphRecord[]> {
    return translate('service-map read', async () => (await this.read(readGraphSql(this.layout, startMs, endMs))).map(graphRecordOf));
  }

  stats(): Promise<StoreStats> {
    return translate('stats', async () => {
      const [row] = await this.read<{ spans: string; traces: string }>(
        `SELECT toString((SELECT count() FROM ${this.table('spans')})) AS spans, toString((SELECT uniqExact(trace_id) FROM ${this.table('trace_parts')})) AS traces`,
      );
      return { spanCount: Number(row!.spans), traceCount: Number(row!.traces) };
    });
  }

  lastIngestSeq(): Promise<number> {
    return translate('ingest sequence', async () => Number((await this.read<{ seq: string }>(`SELECT toString(max(ingest_seq)) AS seq FROM ${this.table('spans')}`))[0]?.seq ?? 0));
  }

  /** A scan of the ingest_seq column (PREWHERE), then the rows of the writes asked for. */
  readWrites(afterSeq: number, throughSeq: number): Promise<StoredWrite[]> {
    return translate('read writes', async () => {
      const found = await this.read<StoredSpanRow & { seq: string }>(
        `SELECT toString(ingest_seq) AS seq, ${SPAN_ROW_SELECT} FROM ${this.table('spans')}
         PREWHERE ingest_seq > ${int64(BigInt(afterSeq))} AND ingest_seq <= ${int64(BigInt(throughSeq))} ORDER BY ingest_seq`,
      );
      return writesFromRows(found.map((row) => ({ ...spanRowOf(row), seq: row.seq })), 'seq');
    });
  }

  /** One row inserted into derived_commits on the first node (derived-tables.ts): all of it lands, or none. */
  commitDerived(commit: DerivedCommit): Promise<void> {
    return translate('derived figures write', async () => {
      if (this.closed) throw new StoreError('clickhouse: the store is closed');
      const commitNo = (this.commitNo ?? (await this.newestCheckpoint())?.commitNo ?? 0) + 1;
      await this.node.insert({ table: localTable(this.layout, 'derived_commits'), values: [derivedCommitRow(commit, commitNo, Date.now())], format: 'JSONEachRow' });
      this.commitNo = commitNo;
    });
  }

  readDerivedCheckpoint(): Promise<DerivedCheckpoint | null> {
    return translate('checkpoint read', async () => (await this.newestCheckpoint())?.checkpoint ?? null);
  }

  private async newestCheckpoint(): Promise<{ commitNo: number; checkpoint: DerivedCheckpoint } | null> {
    const [row] = await this.read<{ commit_no: string; through_seq: string; waiting: string }>(readCheckpointSql(this.layout));
    if (!row) return null;
    this.commitNo = Number(row.commit_no);
    return { commitNo: this.commitNo, checkpoint: checkpointOf(row) };
  }

  /** Drops the days older than the retention (and delivery ids older than a week) on every node. */
  dropExpired(nowMs = Date.now()): Promise<void> {
    return translate('retention', async () => {
      for (const node of this.nodes) await dropExpiredPartitions(node, this.layout, nowMs, { dataDays: this.options.retentionDays ?? null, deliveryDays: DELIVERY_MEMORY_DAYS });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await Promise.allSettled([...this.writesInFlight]);
    await Promise.all(this.nodes.map((node) => node.close()));
  }

  private async read<T = Record<string, unknown>>(query: string, settings: ClickHouseSettings = READ_SETTINGS): Promise<T[]> {
    if (this.closed) throw new StoreError('clickhouse: the store is closed');
    const budget = currentReadBudget();
    if (!budget) return rows<T>(this.node, query, settings);
    budget.check();
    // The server stops the query itself past the budget; the request is also aborted then, and
    // the query killed by its id, in case the server is too busy to notice its own limit soon.
    const queryId = randomUUID();
    const kill = () => void this.node.command({ query: `KILL QUERY WHERE query_id = ${text(queryId)} ASYNC` }).catch(() => {});
    budget.signal.addEventListener('abort', kill, { once: true });
    try {
      const result = await this.node.query({
        query,
        format: 'JSONEachRow',
        query_id: queryId,
        abort_signal: budget.signal,
        clickhouse_settings: { ...settings, max_execution_time: Math.max(1, Math.ceil(budget.remainingMs() / 1000)) },
      });
      return await result.json<T>();
    } catch (error) {
      if (budget.expired() || isTimeoutError(error)) throw budget.exceeded(error);
      throw error;
    } finally {
      budget.signal.removeEventListener('abort', kill);
    }
  }
}

/** ClickHouse's own refusal past max_execution_time (TIMEOUT_EXCEEDED). */
function isTimeoutError(error: unknown): boolean {
  return (error as { code?: string }).code === '159';
}

function inList(values: readonly string[]): string {
  return `(${values.map(text).join(', ')})`;
}
