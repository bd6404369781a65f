import { rmSync } from 'node:fs';
import { DuckDBInstance, LIST, VARCHAR, DOUBLE, BOOLEAN, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { buildPayloadPool } from '../bench/otlp-load.ts';
import { decodeOtlpTraces } from '@stitch/wire';
import { batchToSpans, concatBatches, type Attributes, type Span } from '@stitch/model';
import { openDuckDbStore } from '@stitch/store-duckdb';

const N = Number(process.argv[2] ?? 50_000);
const variant = process.argv[3] ?? 'old';
const pool = buildPayloadPool({ seed: 7, spans: N, spansPerRequest: 500, anchorMs: Date.now() });
const account = { id: '111111111111', label: 'a' };
const batches = pool.payloads.map((p) => decodeOtlpTraces(p.body, 'protobuf', account).batch);
const groups: ReturnType<typeof concatBatches>[] = [];
for (let i = 0; i < batches.length; i += 10) groups.push(concatBatches(batches.slice(i, i + 10)));
const spanGroups = groups.map((g) => batchToSpans(g));

function typed(attrs: Attributes) {
  const t = { sk: [] as string[], sv: [] as string[], nk: [] as string[], nv: [] as number[], bk: [] as string[], bv: [] as boolean[], jk: [] as string[], jv: [] as string[] };
  for (const k in attrs) {
    const v = attrs[k]!;
    if (typeof v === 'string') { t.sk.push(k); t.sv.push(v); }
    else if (typeof v === 'number') { t.nk.push(k); t.nv.push(v); }
    else if (typeof v === 'boolean') { t.bk.push(k); t.bv.push(v); }
    else { t.jk.push(k); t.jv.push(JSON.stringify(v)); }
  }
  return t;
}
const COLS = `batch_seq BIGINT, trace_hi UBIGINT, trace_lo UBIGINT, span_id UBIGINT, parent_span_id UBIGINT, name VARCHAR, kind VARCHAR, start_ns BIGINT, duration_ns BIGINT, status_code VARCHAR,
    http_method VARCHAR, http_route VARCHAR, http_url VARCHAR, http_status INTEGER, service_name VARCHAR, account_id VARCHAR,
    str_keys VARCHAR[], str_values VARCHAR[], num_keys VARCHAR[], num_values DOUBLE[], bool_keys VARCHAR[], bool_values BOOLEAN[],
    res_str_keys VARCHAR[], res_str_values VARCHAR[], res_num_keys VARCHAR[], res_num_values DOUBLE[]`;
let main = 0;
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
if (variant === 'old') {
  rmSync('/tmp/v-old.duckdb', { force: true });
  const store = await openDuckDbStore({ path: '/tmp/v-old.duckdb' });
  for (const g of groups) await store.writeBatch(g);
  await store.close();
  const { statSync } = await import('node:fs');
  console.log('file bytes/span', (statSync('/tmp/v-old.duckdb').size / pool.spanCount).toFixed(1), 'otlp bytes/span', (pool.byteCount / pool.spanCount).toFixed(1));
} else if (variant === 'json') {
  rmSync('/tmp/v.duckdb', { force: true });
  const inst = await DuckDBInstance.create(':memory:');
  const c: DuckDBConnection = await inst.connect();
  await c.run(`ATTACH '/tmp/v.duckdb' AS s (ROW_GROUP_SIZE 16384)`); await c.run('USE s');
  await c.run(`CREATE TABLE spans (${COLS})`);
  const SHAPE = JSON.stringify({ t: 'VARCHAR', s: 'VARCHAR', p: 'VARCHAR', n: 'VARCHAR', k: 'VARCHAR', st: 'BIGINT', d: 'BIGINT', sc: 'VARCHAR', hm: 'VARCHAR', hr: 'VARCHAR', hu: 'VARCHAR', hs: 'INTEGER', svc: 'VARCHAR', acc: 'VARCHAR',
    sk: 'VARCHAR[]', sv: 'VARCHAR[]', nk: 'VARCHAR[]', nv: 'DOUBLE[]', bk: 'VARCHAR[]', bv: 'BOOLEAN[]', rsk: 'VARCHAR[]', rsv: 'VARCHAR[]', rnk: 'VARCHAR[]', rnv: 'DOUBLE[]' });
  const hex = (x: string) => `('0x' || ${x})::UBIGINT`;
  const SQL = `INSERT INTO spans SELECT $2, ${hex('substr(r.t, 1, 16)')}, ${hex('substr(r.t, 17, 16)')}, ${hex('r.s')}, ${hex('r.p')}, r.n, r.k, r.st, r.d, r.sc, r.hm, r.hr, r.hu, r.hs, r.svc, r.acc,
    r.sk, r.sv, r.nk, r.nv, r.bk, r.bv, r.rsk, r.rsv, r.rnk, r.rnv FROM (SELECT unnest(from_json($1, '[${SHAPE}]')) AS r)`;
  // the worker's part, done before timing
  const jsons = spanGroups.map((spans) => {
    const res = new Map<object, string>();
    return spans.map((x) => {
      const t = typed(x.attributes);
      let r = res.get(x.resource.attributes);
      if (!r) { const rt = typed(x.resource.attributes); res.set(x.resource.attributes, (r = JSON.stringify({ rsk: rt.sk, rsv: rt.sv, rnk: rt.nk, rnv: rt.nv }).slice(1, -1))); }
      return '{' + JSON.stringify({ t: x.traceId, s: x.spanId, p: x.parentSpanId, n: x.name, k: x.kind, st: String(x.startTimeUnixNano), d: String(x.endTimeUnixNano - x.startTimeUnixNano), sc: x.status.code, hm: x.http.method, hr: x.http.route, hu: x.http.url, hs: x.http.statusCode, svc: x.resource.serviceName, acc: x.account.id, sk: t.sk, sv: t.sv, nk: t.nk, nv: t.nv, bk: t.bk, bv: t.bv }).slice(1, -1) + ',' + r + '}';
    });
  });
  const cpuJ = process.cpuUsage(); console.error('(json build excluded) µs/span', ((cpuJ.user - cpu0.user) / pool.spanCount).toFixed(1));
  let seq = 0;
  const { writeFileSync } = await import('node:fs');
  const FILE_SQL = `INSERT INTO spans SELECT $1, ${hex('substr(r.t, 1, 16)')}, ${hex('substr(r.t, 17, 16)')}, ${hex('r.s')}, ${hex('r.p')}, r.n, r.k, r.st, r.d, r.sc, r.hm, r.hr, r.hu, r.hs, r.svc, r.acc,
    r.sk, r.sv, r.nk, r.nv, r.bk, r.bv, r.rsk, r.rsv, r.rnk, r.rnv FROM read_ndjson('/dev/shm/batch.json', columns=${SHAPE.replaceAll('"', "'")}) r`;
  for (const rows of jsons) {
    const t0 = performance.now();
    const p = process.env.FILE ? (writeFileSync('/dev/shm/batch.json', rows.join('\n')), c.run(FILE_SQL, [++seq])) : c.run(SQL, ['[' + rows.join(',') + ']', ++seq]);
    main += performance.now() - t0;
    await p;
  }
  await c.run('CHECKPOINT');
} else {
  rmSync('/tmp/v.duckdb', { force: true });
  const inst = await DuckDBInstance.create(':memory:');
  const c: DuckDBConnection = await inst.connect();
  await c.run(`ATTACH '/tmp/v.duckdb' AS s (ROW_GROUP_SIZE 16384)`); await c.run('USE s');
  await c.run(`CREATE TABLE spans (${COLS})`);
  const a = await c.createAppender('spans');
  const SL = LIST(VARCHAR), DL = LIST(DOUBLE), BL = LIST(BOOLEAN);
  let seq = 0n;
  for (const spans of spanGroups) {
    seq++;
    await c.run('BEGIN');
    const t0 = performance.now();
    const res = new Map<object, ReturnType<typeof typed>>();
    for (const s of spans) {
      a.appendBigInt(seq);
      a.appendUBigInt(BigInt('0x' + s.traceId.slice(0, 16))); a.appendUBigInt(BigInt('0x' + s.traceId.slice(16)));
      a.appendUBigInt(BigInt('0x' + s.spanId));
      if (s.parentSpanId === null) a.appendNull(); else a.appendUBigInt(BigInt('0x' + s.parentSpanId));
      a.appendVarchar(s.name); a.appendVarchar(s.kind); a.appendBigInt(s.startTimeUnixNano); a.appendBigInt(s.endTimeUnixNano - s.startTimeUnixNano); a.appendVarchar(s.status.code);
      for (const v of [s.http.method, s.http.route, s.http.url]) v === null ? a.appendNull() : a.appendVarchar(v);
      s.http.statusCode === null ? a.appendNull() : a.appendInteger(s.http.statusCode);
      a.appendVarchar(s.resource.serviceName); a.appendVarchar(s.account.id);
      const t = typed(s.attributes);
      let r = res.get(s.resource.attributes); if (!r) res.set(s.resource.attributes, (r = typed(s.resource.attributes)));
      const lists: Array<[unknown[], typeof SL]> = [[t.sk, SL], [t.sv, SL], [t.nk, SL], [t.nv, DL], [t.bk, SL], [t.bv, BL], [r.sk, SL], [r.sv, SL], [r.nk, SL], [r.nv, DL]];
      for (const [l, type] of lists) l.length === 0 ? a.appendNull() : a.appendList(l as never, type);
      a.endRow();
    }
    a.flushSync();
    main += performance.now() - t0;
    await c.run('COMMIT');
  }
  await c.run('CHECKPOINT');
}
const cpu = process.cpuUsage(cpu0);
const n = pool.spanCount;
console.log(variant, 'cpu µs/span', ((cpu.user + cpu.system) / n).toFixed(1), 'wall µs/span', (((performance.now() - wall0) * 1000) / n).toFixed(1), 'main-append µs/span', ((main * 1000) / n).toFixed(1));
