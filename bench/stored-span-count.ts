import { createClient } from '@clickhouse/client';
import { DuckDBInstance } from '@duckdb/node-api';
import { SpanFate, type SpanLedger } from './span-ledger.ts';
import { spanIndexOf } from './soak-traces.ts';

export interface AccountCount {
  acknowledged: number;
  storedDistinct: number;
  duplicated: number;
  lost: number;
}

export interface StoredSpanCount {
  /** Rows in central's spans table. */
  rows: number;
  distinct: number;
  /** rows - distinct: copies beyond the first. */
  duplicated: number;
  /** Acknowledged by an agent, not in central. */
  lost: number;
  /** In central, though the exporter never saw a 200 (the agent spooled it, then could not answer). */
  storedUnacknowledged: number;
  /** Rows whose span id is not one of this run's. */
  foreignRows: number;
  /** In the accounts' order. */
  byAccount: AccountCount[];
  /** The first few ids at fault, for looking them up in central and the agents' logs. */
  examples: { lost: string[]; duplicated: Array<{ spanId: string; copies: number }> };
}

const EXAMPLES = 10;

/**
 * Counts every stored span by id (`spanCopies`: each id stored, with its number of rows) and
 * matches the ids against what the exporters were told.
 */
export async function countStoredSpans(spanCopies: AsyncIterable<[string, number]>, ledger: SpanLedger, salt: number, accounts: number): Promise<StoredSpanCount> {
  const copies = new Uint8Array(ledger.size);
  const count: StoredSpanCount = {
    rows: 0,
    distinct: 0,
    duplicated: 0,
    lost: 0,
    storedUnacknowledged: 0,
    foreignRows: 0,
    byAccount: Array.from({ length: accounts }, () => ({ acknowledged: 0, storedDistinct: 0, duplicated: 0, lost: 0 })),
    examples: { lost: [], duplicated: [] },
  };
  for await (const [id, n] of spanCopies) {
    count.rows += n;
    count.distinct += 1;
    const index = spanIndexOf(salt, id);
    if (index === null || index >= ledger.size) {
      count.foreignRows += n;
      continue;
    }
    copies[index] = Math.min(255, n);
    if (n > 1 && count.examples.duplicated.length < EXAMPLES) count.examples.duplicated.push({ spanId: id, copies: n });
  }
  count.duplicated = count.rows - count.distinct;
  for (let index = 0; index < ledger.size; index++) {
    const account = count.byAccount[ledger.accountOf(index)]!;
    const stored = copies[index]!;
    if (stored > 0) account.storedDistinct += 1;
    if (stored > 1) account.duplicated += stored - 1;
    if (ledger.fateOf(index) === SpanFate.acknowledged) {
      account.acknowledged += 1;
      if (stored === 0) {
        account.lost += 1;
        count.lost += 1;
        if (count.examples.lost.length < EXAMPLES) count.examples.lost.push(`${salt.toString(16).padStart(8, '0')}${index.toString(16).padStart(8, '0')}`);
      }
    } else if (stored > 0) {
      count.storedUnacknowledged += 1;
    }
  }
  return count;
}

/** Each span id in central's DuckDB file with its rows (central must be stopped: the file is locked while it runs). */
export async function* duckDbSpanCopies(storePath: string): AsyncIterable<[string, number]> {
  const instance = await DuckDBInstance.create(storePath);
  const connection = await instance.connect();
  try {
    // Grouped in DuckDB and read chunk by chunk: millions of ids never sit in memory at once. Ids
    // are stored as numbers: read back as the hex the senders used.
    const result = await connection.stream(`SELECT printf('%016x', span_id) AS span_id, count(*)::INTEGER AS copies FROM spans GROUP BY span_id`);
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const [ids, counts] = chunk.getColumns() as [string[], number[]];
      for (let row = 0; row < ids.length; row++) yield [ids[row]!, counts[row]!];
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Each span id in central's ClickHouse tables (every shard, through the first) with its rows. */
export async function* clickHouseSpanCopies(urls: readonly string[], database: string): AsyncIterable<[string, number]> {
  const table = urls.length > 1 ? `${database}.spans` : `${database}.spans_local`;
  const client = createClient({ url: urls[0]!, clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '10000' }, request_timeout: 600_000 });
  try {
    const result = await client.query({ query: `SELECT span_id, toUInt32(count()) AS copies FROM ${table} GROUP BY span_id`, format: 'JSONEachRow' });
    for await (const rows of result.stream<{ span_id: string; copies: number }>()) {
      for (const row of rows) {
        const { span_id: id, copies } = row.json();
        yield [id, copies];
      }
    }
  } finally {
    await client.close();
  }
}
