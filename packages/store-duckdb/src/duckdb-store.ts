import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { GraphRecord } from '@stitch/graph';
import { isValidSpanId, isValidTraceId, nanos, SPAN_KINDS, STATUS_CODES, wellFormed, type LogRecord, type Nanos, type Span, type SpanBatch, type SpanOutline, type TraceStatus, type TraceSummary, type UsageRow } from '@stitch/model';
import { histogramFromCounts, type DurationHistogram, type FilterExpr, type MetricCell, type MetricsQuery, type SpanKey, valueOfKey } from '@stitch/query';
import { writesFromRows, graphRecordOf, logFromRow, type DerivedCheckpoint, type DerivedCommit, type StoredWrite, metricRecordOf, usageFromRow, searchNewestFirst, spanFromRow, StoreError, tracePartsOf, type AccountSummary, type LogQuery, type ServiceSummary, type StoreStats, type TraceQuery, type CentralStore, type UsageSelector, type WriteTimer, type AttributeNames, type DiscoveryWindow, type ValueCount, type MetricsQueryRange } from '@stitch/store';
import { addGraphRecords, appendGraphRecords, prepareGraphStaging, READ_GRAPH_SQL } from './graph-sql.ts';
import { MIGRATIONS, SCHEMA_TABLE } from './schema.ts';
import { buildHistogramSql, buildSearchSql } from './search-sql.ts';
import { attributeNamesSql, attributeValuesSql } from './discovery-sql.ts';
import { cellOfRow, metricCellsSql } from './metrics-query-sql.ts';
import type { SqlParam } from './sql-params.ts';
import { appendUsage, buildUsageReadSql } from './usage-tables.ts';
import { addMetrics, buildMetricReadSql, prepareMetricStaging, upsertMetrics } from './metric-tables.ts';
import type { MetricRecord, MetricSelector } from '@stitch/metrics';
import { appendLogs, buildLogSearchSql } from './log-tables.ts';
import { inTransaction } from './transaction.ts';
import { MOVE_STAGED_SQL, STAGE_TABLES_SQL, addResourcesSql, hexOfTraceId, spanIdOfHex, sqlTextList, spanRowsOf, spanRowsSql, spansOfTrace, traceIdOfHex } from './span-table.ts';
import { ResourceIds } from './resource-ids.ts';
import { ReadConnections } from './read-connections.ts';

export interface DuckDbStoreOptions {
  /** A database file, or ':memory:' for a throw-away store. */
  path: string;
  /** Transactions that may be open at once: while one commits, the next batch is appended on another. */
  writeLanes?: number;
  /**
   * Rows per row group (DuckDB's default: 122,880). A checkpoint recompresses the last, partly
   * filled group again and again; smaller groups make that cheap, and make the per-group
   * min/max that a trace lookup skips by finer. Fixed when the file is created.
   */
  rowGroupSize?: number;
  /**
   * Write-ahead log size that triggers a checkpoint (default 16 MB, DuckDB's own). Rows logged since
   * the last checkpoint are held in memory too: at 64 MB central kept ~100 MiB more after a burst.
   */
  checkpointMegabytes?: number;
  /**
   * Reads that may run at once, each on its own connection; more wait their turn
   * (read-connections.ts). Default: libuv's threads (UV_THREADPOOL_SIZE, 4) less 2, which are
   * left for the writes' commits and the rest of central's I/O.
   */
  readConnections?: number;
  /**
   * DuckDB's threads (default: one per core). Fewer trade read speed for ingest: on 2 cores, 1
   * thread cut central's CPU at 5,000 spans/s by a quarter (less scheduling between lanes, readers
   * and DuckDB's workers) and made idle one-hour searches about a quarter slower (docs/operations.md).
   */
  threads?: number;
}

/** One writer: its own connection (so its own transaction and staging tables) and appenders (made again when the database is reattached). */
interface WriteLane {
  connection: DuckDBConnection;
  stage: DuckDBAppender;
  parts: DuckDBAppender;
}

/** A lane's appenders, to its staging tables (temporary tables of the connection). */
async function appendersOf(connection: DuckDBConnection): Promise<Pick<WriteLane, 'stage' | 'parts'>> {
  await connection.run(STAGE_TABLES_SQL);
  return { stage: await connection.createAppender('span_stage', 'main', 'temp'), parts: await connection.createAppender('part_stage', 'main', 'temp') };
}

/** A batch's rows by trace id, each trace's in the order they came (the sort is stable). */
function traceOrder(batch: SpanBatch): Uint32Array {
  const ids = batch.traceId;
  const order = Array.from({ length: batch.length }, (_, i) => i).sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
  return Uint32Array.from(order);
}

/** New resources added by one statement at most (a batch whose every span brings its own has thousands). */
const RESOURCES_PER_INSERT = 500;
/** A text list as JSON that DuckDB's reader takes: lone surrogates as U+FFFD, as the appender stores them. */
const listJson = (list: readonly string[] | null) => (list === null ? null : JSON.stringify(list.map(wellFormed)));
const DELIVERY_MEMORY_MS = 7 * 24 * 3600 * 1000;
/** Rows appended between two turns of the event loop (a few milliseconds of work). */
const APPEND_SLICE = 2048;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
/** An invalidated database is reattached at most this often (each try replays its write-ahead log). */
const REATTACH_INTERVAL_MS = 1_000;

/**
 * The store is attached rather than opened, because only ATTACH takes the row group size and the
 * storage version. A new file is written in DuckDB 1.5's format, whose compression keeps the mix's
 * spans in a fifth less (the typed string lists in a third less) than the 1.0 format DuckDB
 * writes by default; a file made before keeps its own.
 */
function attachSql(options: DuckDbStoreOptions): string {
  // ATTACH takes no parameters: the path (the operator's, never a request's) goes in quoted.
  return `ATTACH '${options.path.replaceAll("'", "''")}' AS stitch (ROW_GROUP_SIZE ${Math.trunc(options.rowGroupSize ?? 16_384)}, STORAGE_VERSION 'v1.5.0')`;
}

/** Opens (creating or migrating) the embedded store. */
export async function openDuckDbStore(options: DuckDbStoreOptions): Promise<DuckDbStore> {
  return translate(`open ${options.path}`, async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connect = async () => {
      const connection = await instance.connect();
      await connection.run('USE stitch');
      return connection;
    };
    const setup = await instance.connect();
    await setup.run(attachSql(options));
    await setup.run(`SET checkpoint_threshold = '${Math.trunc(options.checkpointMegabytes ?? 16)}MB'`);
    if (options.threads !== undefined) await setup.run(`SET threads = ${Math.max(1, Math.trunc(options.threads))}`);
    setup.closeSync();
    const reader = await connect();
    await migrate(reader);
    // A sender retries a delivery within minutes; a week of keys is plenty.
    await reader.run('DELETE FROM deliveries WHERE stored_at_ms < $1', [Date.now() - DELIVERY_MEMORY_MS]);
    const last = (await reader.runAndReadAll('SELECT coalesce(max(batch_seq), 0) AS seq FROM trace_parts')).getRowObjectsJS()[0]!;
    const lanes: WriteLane[] = [];
    for (let i = 0; i < (options.writeLanes ?? 2); i++) {
      const connection = await connect();
      lanes.push({ connection, ...(await appendersOf(connection)) });
    }
    const readers: DuckDBConnection[] = [];
    const threadPool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
    for (let i = 0; i < Math.max(1, options.readConnections ?? threadPool - 2); i++) readers.push(await connect());
    return new DuckDbStore(instance, reader, new ReadConnections(readers), lanes, last.seq as bigint, attachSql(options));
  });
}

async function migrate(connection: DuckDBConnection): Promise<void> {
  await connection.run(SCHEMA_TABLE);
  const rows = (await connection.runAndReadAll('SELECT max(version) AS version FROM stitch_schema')).getRowObjectsJS();
  const current = Number(rows[0]?.version ?? 0);
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    try {
      await inTransaction(connection, async () => {
        const migration = MIGRATIONS[version - 1]!;
        if (typeof migration === 'string') await connection.run(migration);
        else await migration(connection);
        await connection.run('INSERT INTO stitch_schema VALUES (?)', [version]);
      });
    } catch (error) {
      throw new StoreError(`duckdb: migration to schema version ${version} failed: ${(error as Error).message}`, { cause: error });
    }
  }
}

async function translate<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(`duckdb: ${what} failed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The embedded store: DuckDB in-process. Each batch is one transaction on one of a few writer
 * connections (lanes): while one commits, the next batch is appended on another. Reads use
 * their own connections (read-connections.ts) and see committed batches only.
 *
 * A checkpoint that fails (a full disk) invalidates the database in DuckDB: every later call
 * fails, even once space is back, until it is detached and attached again. The store does that
 * itself at the next call (at most once a second), so central recovers without a restart; what
 * was committed survives in the write-ahead log.
 */
export class DuckDbStore implements CentralStore {
  private readonly idleLanes: WriteLane[];
  private readonly waitingForLane: Array<(lane: WriteLane) => void> = [];
  private closed = false;
  /** Why DuckDB invalidated the database, until it is reattached. */
  private invalidated: Error | null = null;
  private reattaching: Promise<void> | null = null;
  private nextReattachMs = 0;
  private readonly resourceIds = new ResourceIds();

  constructor(
    private readonly instance: DuckDBInstance,
    /** Opens and closes the store (migrations, the last checkpoint); queries go to `readers`. */
    private readonly reader: DuckDBConnection,
    private readonly readers: ReadConnections,
    private readonly lanes: readonly WriteLane[],
    private batchSeq: bigint,
    private readonly attachStatement: string,
  ) {
    this.idleLanes = [...lanes];
  }

  /** With central's `ingestSeq` the batch is numbered by it (batch_seq), else by the store. */
  /** One transaction: the whole batch is stored, or none of it. */
  async writeBatch(batch: SpanBatch, deliveryIds: readonly string[] = [], ingestSeq?: number, timer?: WriteTimer): Promise<SpanBatch> {
    if (batch.length > 0 || deliveryIds.length > 0) await this.onWriteLane('write', (lane) => this.writeOn(lane, batch, deliveryIds, ingestSeq, timer));
    return batch;
  }

  /** Runs a write on a lane of its own (writes wait for one to be free); a closed store refuses it. */
  private onWriteLane(what: string, write: (lane: WriteLane) => Promise<void>): Promise<void> {
    return translate(what, async () => {
      if (this.closed) throw new StoreError('duckdb: the store is closed');
      await this.usable();
      const lane = await this.takeLane();
      try {
        await write(lane);
      } catch (error) {
        this.noticeInvalidation(error);
        throw error;
      } finally {
        this.releaseLane(lane);
      }
    });
  }

  private noticeInvalidation(error: unknown): void {
    if (/has been invalidated/i.test((error as Error)?.message ?? '')) this.invalidated ??= error as Error;
  }

  /** Resolves once the database is usable: reattached if DuckDB invalidated it (one try at a time, at most once a second). */
  private usable(): Promise<void> {
    if (!this.invalidated) return Promise.resolve();
    if (!this.reattaching) {
      if (Date.now() < this.nextReattachMs) return Promise.reject(new StoreError(`duckdb: the database was invalidated by a failed write and is reattached at the next try (${this.invalidated.message})`));
      this.nextReattachMs = Date.now() + REATTACH_INTERVAL_MS;
      this.reattaching = this.reattach().finally(() => (this.reattaching = null));
    }
    return this.reattaching;
  }

  /** Detach and attach again, as DuckDB asks: the write-ahead log is replayed, the lanes get new appenders. */
  private async reattach(): Promise<void> {
    // Every lane back means no write is running.
    const lanes = await Promise.all(this.lanes.map(() => this.takeLane()));
    const setup = await this.instance.connect();
    try {
      // A transaction the failure left open would outlive the reattach (and refuse the next BEGIN).
      for (const lane of lanes) await lane.connection.run('ROLLBACK').catch(() => {});
      await setup.run('DETACH DATABASE IF EXISTS stitch');
      await setup.run(this.attachStatement);
      for (const lane of lanes) {
        for (const appender of [lane.stage, lane.parts]) {
          try {
            appender.closeSync();
          } catch {
            // it belonged to the invalidated database
          }
        }
        Object.assign(lane, await appendersOf(lane.connection));
      }
      this.invalidated = null;
    } finally {
      setup.closeSync();
      for (const lane of lanes) this.releaseLane(lane);
    }
  }

  private takeLane(): Promise<WriteLane> {
    const lane = this.idleLanes.pop();
    return lane ? Promise.resolve(lane) : new Promise((resolve) => this.waitingForLane.push(resolve));
  }

  private releaseLane(lane: WriteLane): void {
    const next = this.waitingForLane.shift();
    if (next) next(lane);
    else this.idleLanes.push(lane);
  }

  private async writeOn(lane: WriteLane, batch: SpanBatch, deliveryIds: readonly string[], ingestSeq: number | undefined, timer: WriteTimer | undefined): Promise<void> {
    const seq = ingestSeq === undefined ? ++this.batchSeq : BigInt(ingestSeq);
    if (seq > this.batchSeq) this.batchSeq = seq;
    // The append's time is summed slice by slice: the event loop's turns in between are not the store's.
    let appendMs = 0;
    let from = performance.now();
    const order = traceOrder(batch);
    const added = new Map<bigint, string>();
    await lane.connection.run('BEGIN');
    try {
      // Staged as text in trace id order, then moved into the typed columns (span-table.ts).
      // Appending is synchronous: in slices, so queries and requests are served in between.
      for (let row = 0; row < batch.length; row += APPEND_SLICE) {
        this.stageSpans(lane.stage, batch, order, row, Math.min(batch.length, row + APPEND_SLICE), added);
        appendMs += performance.now() - from;
        await yieldToEventLoop();
        from = performance.now();
      }
      this.stageParts(lane.parts, batch);
      const newResources = [...added];
      for (let at = 0; at < newResources.length; at += RESOURCES_PER_INSERT) {
        const chunk = newResources.slice(at, at + RESOURCES_PER_INSERT);
        await lane.connection.run(addResourcesSql(chunk.length), chunk.flatMap(([id, json]) => [id.toString(), json]));
      }
      const [spans, parts, clear] = MOVE_STAGED_SQL;
      await lane.connection.run(spans, [seq]);
      await lane.connection.run(parts, [seq]);
      await lane.connection.run(clear);
      // Appended rows reach the table at flush, before the deliveries' own insert checks its key.
      if (deliveryIds.length > 0) {
        const storedAt = Date.now();
        await lane.connection.run(
          `INSERT INTO deliveries VALUES ${deliveryIds.map((_, i) => `($${i * 2 + 1}, $${i * 2 + 2})`).join(', ')}`,
          deliveryIds.flatMap((id) => [id, storedAt]),
        );
      }
      const committing = performance.now();
      timer?.('store-append', (appendMs + committing - from) * 1_000);
      await lane.connection.run('COMMIT');
      timer?.('commit', (performance.now() - committing) * 1_000);
      this.resourceIds.markStored(added.keys());
    } catch (error) {
      lane.stage.clear();
      lane.parts.clear();
      await lane.connection.run('ROLLBACK').catch(() => {});
      // Emptied for the next write, whatever the rollback left in them.
      await lane.connection.run(MOVE_STAGED_SQL[2]).catch(() => {});
      throw error;
    }
  }

  /** Rows `from` to `to` of `order`; the resources not known stored go to `added`. */
  private stageSpans(a: DuckDBAppender, b: SpanBatch, order: Uint32Array, from: number, to: number, added: Map<bigint, string>): void {
    const text = (value: string | null) => (value === null ? a.appendNull() : a.appendVarchar(value));
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      a.appendVarchar(b.traceId[i]!);
      a.appendVarchar(b.spanId[i]!);
      text(b.parentSpanId[i]!);
      a.appendVarchar(b.name[i]!);
      a.appendVarchar(b.kind[i]!);
      a.appendBigInt(b.startNs[i]!);
      a.appendBigInt(b.endNs[i]!);
      a.appendVarchar(b.statusCode[i]!);
      a.appendVarchar(b.statusMessage[i]!);
      a.appendVarchar(b.traceState[i]!);
      text(b.httpMethod[i]!);
      text(b.httpRoute[i]!);
      text(b.httpUrl[i]!);
      const status = b.httpStatus[i]!;
      if (status === null) a.appendNull();
      else a.appendInteger(status);
      a.appendVarchar(b.serviceName[i]!);
      a.appendVarchar(b.accountId[i]!);
      a.appendVarchar(b.accountLabel[i]!);
      a.appendVarchar(b.scopeName[i]!);
      a.appendVarchar(b.scopeVersion[i]!);
      a.appendVarchar(b.attributesJson[i]!);
      const resource = b.resourceJson[i]!;
      const resourceId = this.resourceIds.idOf(resource);
      if (!this.resourceIds.isStored(resourceId)) added.set(resourceId, resource);
      a.appendUBigInt(resourceId);
      text(listJson(b.annotationKeys[i]!));
      text(listJson(b.annotationValues[i]!));
      text(b.peerName[i]!);
      text(b.peerAccount[i]!);
      text(b.eventsJson[i]!);
      text(b.linksJson[i]!);
      text(b.eventFacetsJson[i]!);
      text(b.linkFacetsJson[i]!);
      a.endRow();
    }
    a.flushSync();
  }

  private stageParts(a: DuckDBAppender, batch: SpanBatch): void {
    for (const part of tracePartsOf(batch)) {
      a.appendUHugeInt(BigInt(`0x${part.traceId}`));
      a.appendBigInt(part.startNs);
      a.appendBigInt(part.endNs);
      a.appendInteger(part.spanCount);
      a.appendBoolean(part.hasError);
      a.appendVarchar(listJson(part.services)!);
      a.appendVarchar(listJson(part.accounts)!);
      if (part.root) {
        a.appendBigInt(part.root.startNs);
        a.appendVarchar(part.root.service);
        a.appendVarchar(part.root.name);
      } else {
        a.appendNull();
        a.appendNull();
        a.appendNull();
      }
      a.appendVarchar(part.firstService);
      a.appendVarchar(part.firstName);
      if (part.root) a.appendBigInt(part.root.endNs);
      else a.appendNull();
      a.appendBigInt(part.firstEndNs);
      if (part.root) a.appendVarchar(part.root.outcome);
      else a.appendNull();
      a.appendInteger(part.errorSpanCount);
      a.endRow();
    }
    a.flushSync();
  }

  getTrace(traceId: string): Promise<Span[]> {
    return translate('trace lookup', async () => {
      if (!isValidTraceId(traceId)) return [];
      return spanRowsOf(await this.read(spanRowsSql(spansOfTrace('$1::VARCHAR')), [traceId])).map((row) => spanFromRow(row));
    });
  }

  /**
   * The driver's cost is per text value (a 100,000-span outline took 1 s to convert, its query
   * 0.2): the ids come as numbers, the kind and status as their place in a list, and the service,
   * account and label as one text, read once per process.
   */
  getTraceOutline(traceId: string): Promise<SpanOutline[]> {
    return translate('trace outline', async () => {
      if (!isValidTraceId(traceId)) return [];
      const [spanIds, parentIds, starts, ends, httpStatuses, kinds, statuses, names, owners] = await this.readColumns(
        `SELECT span_id, parent_span_id, start_ns, end_ns, http_status, list_position(${sqlTextList(SPAN_KINDS)}, kind), list_position(${sqlTextList(STATUS_CODES)}, status_code),
           name, service_name || chr(0) || account_id || chr(0) || account_label
         ${spansOfTrace('$1::VARCHAR')}`,
        [traceId],
      );
      const id = traceId.toLowerCase();
      const ownerOf = new Map<string, Pick<SpanOutline, 'resource' | 'account'>>();
      const hex = (value: unknown) => (value as bigint).toString(16).padStart(16, '0');
      return spanIds!.map((spanId, i): SpanOutline => {
        const ownerText = owners![i] as string;
        let owner = ownerOf.get(ownerText);
        if (owner === undefined) {
          const [serviceName, accountId, accountLabel] = ownerText.split('\u0000') as [string, string, string];
          ownerOf.set(ownerText, (owner = { resource: { serviceName }, account: { id: accountId, label: accountLabel } }));
        }
        return {
          traceId: id,
          spanId: hex(spanId),
          parentSpanId: parentIds![i] === null ? null : hex(parentIds![i]),
          name: names![i] as string,
          kind: SPAN_KINDS[(kinds![i] as number | null ?? 1) - 1] ?? 'internal',
          startTimeUnixNano: nanos(starts![i] as bigint),
          endTimeUnixNano: nanos(ends![i] as bigint),
          status: { code: STATUS_CODES[(statuses![i] as number | null ?? 1) - 1] ?? 'unset' },
          http: { statusCode: httpStatuses![i] as number | null },
          resource: owner.resource,
          account: owner.account,
        };
      });
    });
  }

  getSpans(traceId: string, spanIds: readonly string[]): Promise<Span[]> {
    return translate('span lookup', async () => {
      const valid = spanIds.filter(isValidSpanId);
      if (!isValidTraceId(traceId) || valid.length === 0) return [];
      const rows = await this.read(spanRowsSql(`${spansOfTrace('$1::VARCHAR')} AND spans.span_id IN (SELECT ${spanIdOfHex('unnest($2::VARCHAR[])')})`), [traceId, valid]);
      return spanRowsOf(rows).map((row) => spanFromRow(row));
    });
  }

  searchTraces(query: TraceQuery): Promise<TraceSummary[]> {
    return translate('search', () => searchNewestFirst(query, (slice) => this.searchSlice(slice)));
  }

  private async searchSlice(query: TraceQuery): Promise<TraceSummary[]> {
    const { sql, params } = buildSearchSql(query);
    const rows = await this.read(sql, params);
    return rows.map((row) => ({
      traceId: row.trace_id as string,
      rootServiceName: (row.root_service ?? row.first_service) as string,
      rootSpanName: (row.root_name ?? row.first_name) as string,
      startTimeUnixNano: nanos(row.start_ns as bigint),
      durationNanos: nanos(row.duration_ns as bigint),
      spanCount: Number(row.span_count),
      services: row.services as string[],
      accounts: row.accounts as string[],
      status: (row.root_outcome ?? 'unknown') as TraceStatus,
      errorSpanCount: Number(row.error_count),
    }));
  }

  durationHistogram(query: Omit<TraceQuery, 'limit'>): Promise<DurationHistogram> {
    return translate('histogram', async () => {
      const { sql, params } = buildHistogramSql(query);
      const rows = await this.read(sql, params);
      return histogramFromCounts(rows.map((row) => ({ bucket: row.bucket as number, count: row.count as number })));
    });
  }

  traceIdsStartedIn(startNanos: Nanos, endNanos: Nanos, limit: number): Promise<string[]> {
    return translate('traces by span start', async () => {
      const rows = await this.read(`SELECT ${hexOfTraceId('trace_id')} AS trace_id FROM (SELECT DISTINCT trace_id FROM spans WHERE start_ns >= $1 AND start_ns < $2 LIMIT $3)`, [
        BigInt(startNanos),
        BigInt(endNanos),
        Math.floor(limit),
      ]);
      return rows.map((row) => row.trace_id as string);
    });
  }

  getTraces(traceIds: readonly string[]): Promise<Map<string, Span[]>> {
    return translate('trace lookup', async () => {
      const found = new Map<string, Span[]>();
      if (traceIds.length === 0) return found;
      // As getTrace: the batches holding any of the traces bound the scan.
      const valid = traceIds.filter(isValidTraceId);
      if (valid.length === 0) return found;
      const ids = `(SELECT ${traceIdOfHex('id')} FROM (SELECT unnest($1::VARCHAR[]) AS id))`;
      const rows = await this.read(
        spanRowsSql(`FROM spans, (SELECT min(batch_seq) AS lo, max(batch_seq) AS hi FROM trace_parts WHERE trace_id IN ${ids}) AS held
          WHERE spans.batch_seq BETWEEN held.lo AND held.hi AND spans.trace_id IN ${ids}`),
        [valid],
      );
      for (const row of spanRowsOf(rows)) {
        const span = spanFromRow(row);
        const list = found.get(span.traceId);
        if (list) list.push(span);
        else found.set(span.traceId, [span]);
      }
      return found;
    });
  }

  listServices(): Promise<ServiceSummary[]> {
    return translate('list services', async () => {
      const rows = await this.read(
        'SELECT service_name, list_sort(list_distinct(list(account_id))) AS accounts, count(*) AS span_count FROM spans GROUP BY service_name ORDER BY service_name',
      );
      return rows.map((row) => ({ serviceName: row.service_name as string, accounts: row.accounts as string[], spanCount: Number(row.span_count) }));
    });
  }

  writeGraphRecords(records: readonly GraphRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.onWriteLane('service-map write', (lane) => appendGraphRecords(lane.connection, records));
  }

  lastIngestSeq(): Promise<number> {
    return translate('ingest sequence', async () => Number((await this.read('SELECT coalesce(max(batch_seq), 0) AS seq FROM spans'))[0]!.seq));
  }

  readWrites(afterSeq: number, throughSeq: number): Promise<StoredWrite[]> {
    return translate('read writes', async () => {
      const rows = await this.read(spanRowsSql('FROM spans WHERE batch_seq > $1 AND batch_seq <= $2', 's.batch_seq', 'ORDER BY s.batch_seq, s.span_row'), [BigInt(afterSeq), BigInt(throughSeq)]);
      return writesFromRows(spanRowsOf(rows), 'batch_seq');
    });
  }

  /** The figures and the checkpoint in one transaction on a write lane. */
  commitDerived(commit: DerivedCommit): Promise<void> {
    return this.onWriteLane('derived figures write', async (lane) => {
      await prepareMetricStaging(lane.connection);
      await prepareGraphStaging(lane.connection);
      await inTransaction(lane.connection, async () => {
        if (commit.graphRecords.length > 0) await addGraphRecords(lane.connection, commit.graphRecords);
        if (commit.metricRecords.length > 0) await addMetrics(lane.connection, commit.metricRecords);
        if (commit.usageRows.length > 0) await appendUsage(lane.connection, commit.usageRows);
        await lane.connection.run('DELETE FROM derived_checkpoint');
        await lane.connection.run('INSERT INTO derived_checkpoint VALUES ($1, $2)', [BigInt(commit.checkpoint.throughSeq), JSON.stringify(commit.checkpoint.waiting)]);
      });
    });
  }

  readDerivedCheckpoint(): Promise<DerivedCheckpoint | null> {
    return translate('checkpoint read', async () => {
      const [row] = await this.read('SELECT through_seq, waiting FROM derived_checkpoint');
      return row ? { throughSeq: Number(row.through_seq), waiting: JSON.parse(row.waiting as string) as DerivedCheckpoint['waiting'] } : null;
    });
  }

  /** Log records, in one transaction on a write lane (log-tables.ts). */
  writeLogs(records: readonly LogRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.onWriteLane('log write', (lane) => inTransaction(lane.connection, () => appendLogs(lane.connection, records)));
  }

  searchLogs(query: LogQuery): Promise<LogRecord[]> {
    return translate('log search', async () => {
      const { sql, params } = buildLogSearchSql(query);
      return (await this.read(sql, params)).map(logFromRow);
    });
  }

  /** Span-metric records added into their rows, on a write lane (metric-tables.ts). */
  writeMetricRecords(records: readonly MetricRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.onWriteLane('metrics write', (lane) => upsertMetrics(lane.connection, records));
  }

  readMetricRecords(startMs: number, endMs: number, selector?: MetricSelector, stepMs?: number): Promise<MetricRecord[]> {
    return translate('metrics read', async () => {
      const { sql, params } = buildMetricReadSql(startMs, endMs, selector, stepMs);
      return (await this.read(sql, params)).map(metricRecordOf);
    });
  }

  /** Usage rows, appended on a write lane (usage-tables.ts). */
  addUsage(rows: readonly UsageRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.onWriteLane('usage write', (lane) => appendUsage(lane.connection, rows));
  }

  readUsage(startDay: string, endDay: string, selector?: UsageSelector): Promise<UsageRow[]> {
    return translate('usage read', async () => {
      const { sql, params } = buildUsageReadSql(startDay, endDay, selector);
      return (await this.read(sql, params)).map(usageFromRow);
    });
  }

  readGraphRecords(startMs: number, endMs: number): Promise<GraphRecord[]> {
    return translate('service-map read', async () => {
      const rows = await this.read(READ_GRAPH_SQL, [BigInt(Math.trunc(startMs)), BigInt(Math.trunc(endMs))]);
      return rows.map(graphRecordOf);
    });
  }

  listAccounts(): Promise<AccountSummary[]> {
    return translate('list accounts', async () => {
      const rows = await this.read(
        `SELECT account_id, arg_max(coalesce(account_label, account_id), end_ns) AS label, list_sort(list_distinct(list(service_name))) AS services,
                count(*) AS span_count, max(end_ns) AS last_seen, min(start_ns) AS first_seen
         FROM spans GROUP BY account_id ORDER BY account_id`,
      );
      return rows.map((row) => ({
        accountId: row.account_id as string,
        label: row.label as string,
        services: row.services as string[],
        spanCount: Number(row.span_count),
        lastSeenNanos: nanos(row.last_seen as bigint),
        firstSeenNanos: nanos(row.first_seen as bigint),
      }));
    });
  }

  storedDeliveries(deliveryIds: readonly string[]): Promise<Set<string>> {
    if (deliveryIds.length === 0) return Promise.resolve(new Set());
    return translate('delivery lookup', async () => {
      const rows = await this.read('SELECT delivery_id FROM deliveries WHERE delivery_id IN (SELECT unnest($1::VARCHAR[]))', [[...deliveryIds]]);
      return new Set(rows.map((row) => row.delivery_id as string));
    });
  }

  metricCells(query: MetricsQuery, range: MetricsQueryRange): Promise<MetricCell[]> {
    return translate('metrics query', async () => {
      const { sql, params } = metricCellsSql(query, range);
      return (await this.read(sql, params)).map((row) => cellOfRow(query, row));
    });
  }

  attributeNames(window: DiscoveryWindow, limit: number): Promise<AttributeNames> {
    return translate('attribute names', async () => {
      const { sql, params } = attributeNamesSql(window, limit);
      const rows = await this.read(sql, params);
      const of = (scope: string) => rows.filter((row) => row.scope === scope).map((row) => ({ name: row.name as string, count: Number(row.count) }));
      return { span: of('span'), resource: of('resource'), event: of('event'), link: of('link') };
    });
  }

  attributeValues(window: DiscoveryWindow, key: SpanKey, spans: FilterExpr | null, limit: number): Promise<ValueCount[]> {
    return translate('attribute values', async () => {
      const { sql, params } = attributeValuesSql(window, key, spans, limit);
      return (await this.read(sql, params)).map((row) => ({ value: valueOfKey(row.value_key as string)!, count: Number(row.count) }));
    });
  }

  stats(): Promise<StoreStats> {
    return translate('stats', async () => {
      const [row] = await this.read('SELECT (SELECT count(*) FROM spans) AS spans, (SELECT count(DISTINCT trace_id) FROM trace_parts) AS traces');
      return { spanCount: Number(row!.spans), traceCount: Number(row!.traces) };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Every lane back means every write has finished.
    const lanes = await Promise.all(this.lanes.map(() => this.takeLane()));
    for (const lane of lanes) {
      lane.stage.closeSync();
      lane.parts.closeSync();
      lane.connection.closeSync();
    }
    await this.readers.close();
    await this.reader.run('CHECKPOINT').catch(() => {});
    this.reader.closeSync();
    this.instance.closeSync();
  }

  private async read(sql: string, params: SqlParam[] = []): Promise<Array<Record<string, unknown>>> {
    const { names, columns, rowCount } = await this.readResult(sql, params);
    const rows = new Array<Record<string, unknown>>(rowCount);
    for (let i = 0; i < rows.length; i++) {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) row[names[c]!] = columns[c]![i];
      rows[i] = row;
    }
    return rows;
  }

  /** The answer's columns, in the order selected. */
  private async readColumns(sql: string, params: SqlParam[] = []): Promise<unknown[][]> {
    return (await this.readResult(sql, params)).columns;
  }

  /** Column by column (then into rows, where rows are wanted): several times faster than the driver's getRowObjectsJS. */
  private async readResult(sql: string, params: SqlParam[]): Promise<{ names: string[]; columns: unknown[][]; rowCount: number }> {
    if (this.closed) throw new StoreError('duckdb: the store is closed');
    await this.usable();
    let result;
    try {
      result = await this.readers.run(sql, params);
    } catch (error) {
      this.noticeInvalidation(error);
      throw error;
    }
    const names = result.columnNames();
    // No rows come as no columns.
    const columns = result.getColumnsJS() as unknown[][];
    return { names, columns: names.map((_, c) => columns[c] ?? []), rowCount: result.currentRowCount };
  }
}
