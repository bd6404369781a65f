// A plain forwarding agent (the common case, one per source account) must not pay for federated
// mode: DuckDB's native library alone is tens of MB of memory and a slower start. Each agent runs
// in a child process of its own, in an empty folder, and reports what it loaded.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { AgentOptions } from './agent.ts';

/** What the child loaded: module URLs (recorded by a resolve hook) and the process's shared libraries. */
interface Loaded {
  modules: string[];
  sharedObjects: string[];
}

const RESOLVE_HOOK = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  port.postMessage(resolved.url);
  return resolved;
}`;

const CHILD = `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const modules = new Set();
port1.on('message', (url) => modules.add(url));
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(RESOLVE_HOOK)}), { data: { port: port2 }, transferList: [port2] });
const { startAgent } = await import(process.env.AGENT_MODULE);
const agent = await startAgent({ ...JSON.parse(process.env.AGENT_OPTIONS), log: () => {} });
await agent.close();
await new Promise((resolve) => setTimeout(resolve, 200)); // the hook's last messages
port1.close();
console.log(JSON.stringify({ modules: [...modules], sharedObjects: process.report.getReport().sharedObjects }));
`;

/** Starts and closes one agent in a child process whose working folder is `cwd`. */
async function loadedByAgent(options: Omit<AgentOptions, 'log'>, cwd: string): Promise<Loaded> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', CHILD], {
    cwd,
    env: { ...process.env, AGENT_MODULE: new URL('./agent.ts', import.meta.url).href, AGENT_OPTIONS: JSON.stringify(options) },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Loaded;
}

const ports = { port: 0, udpPort: 0, samplingPort: 0 };
// Nothing is sent, so central need not be there.
const base = { account: { id: '111111111111', name: 'checkout' }, sinkUrl: 'http://127.0.0.1:9', token: 'stitch_link_unused', drainOnCloseMs: 0, ...ports };
const duckDbModules = (loaded: Loaded) => loaded.modules.filter((url) => url.includes('/store-duckdb/') || url.includes('@duckdb'));
const federationModules = (loaded: Loaded) => loaded.modules.filter((url) => url.includes('/agent/src/federation/keep-in-account'));
const duckDbLibraries = (loaded: Loaded) => loaded.sharedObjects.filter((path) => /duckdb/i.test(path));

test('a forwarding agent loads neither federated mode nor DuckDB', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'stitch-forwarding-agent-'));
  try {
    const loaded = await loadedByAgent(base, cwd);
    assert.ok(loaded.modules.some((url) => url.endsWith('/agent/src/forwarder.ts')), 'the hook saw the agent load its modules');
    assert.deepEqual(federationModules(loaded), []);
    assert.deepEqual(duckDbModules(loaded), []);
    assert.deepEqual(duckDbLibraries(loaded), []);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('an agent keeping spans in an in-memory store loads DuckDB, and makes no folder (its logs wait in memory)', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'stitch-in-memory-agent-'));
  try {
    const loaded = await loadedByAgent({ ...base, storeDir: ':memory:', readPort: 0, heartbeatMs: 60_000 }, cwd);
    assert.notDeepEqual(federationModules(loaded), [], 'federated mode loaded once asked for');
    assert.notDeepEqual(duckDbModules(loaded), [], 'DuckDB loaded once asked for');
    assert.notDeepEqual(duckDbLibraries(loaded), [], "DuckDB's native library loaded once asked for");
    assert.deepEqual(readdirSync(cwd), [], 'no folder named :memory: (nor any other) where the agent ran');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
