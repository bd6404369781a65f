import type { ClickHouseServers } from '@stitch/test-support/clickhouse';

// What a ClickHouse store holds at rest: its active parts, once the background merges that
// follow an ingest have finished (as DuckDB's file is measured after its checkpoint).

const MERGE_WAIT_MS = 180_000;

async function clickHouseQuery(url: string, sql: string): Promise<string> {
  const response = await fetch(`${url}/?query=${encodeURIComponent(sql)}`);
  const body = await response.text();
  if (!response.ok) throw new Error(`clickhouse ${url}: ${body}`);
  return body.trim();
}

/** Waits (up to 3 minutes) until no shard merges, then adds up the active parts of `database` on every shard. */
export async function settledClickHouseSize(servers: ClickHouseServers, database: string): Promise<{ activeParts: number; bytesOnDisk: number }> {
  const deadline = Date.now() + MERGE_WAIT_MS;
  for (;;) {
    const merging = await Promise.all(servers.urls.map((url) => clickHouseQuery(url, 'SELECT count() FROM system.merges')));
    if (merging.every((count) => count === '0') || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  let activeParts = 0;
  let bytesOnDisk = 0;
  for (const url of servers.urls) {
    const [parts, bytes] = (await clickHouseQuery(url, `SELECT count(), sum(bytes_on_disk) FROM system.parts WHERE active AND database = '${database}'`)).split('\t');
    activeParts += Number(parts);
    bytesOnDisk += Number(bytes);
  }
  return { activeParts, bytesOnDisk };
}
