import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startAgent, type RunningAgent } from '@stitch/agent';
import { DATA_FILES, LinkRegistry, startCentral, type RunningCentral } from '@stitch/central';
import { openDuckDbStore, type DuckDbStore } from '@stitch/store-duckdb';
import { startPrivateLink, startStripe, startTopic, startWarehouse, type Fake } from './live/fakes.ts';
import { SCENARIO_STORY, type DemoScenario } from './live/scenarios.ts';
import { startTraffic, type Traffic } from './live/traffic.ts';
import { addCheckoutCanary } from './live/checkout-canary.ts';
import { addCheckoutObjectives, CHECKOUT_SLO_NAME } from './live/checkout-objectives.ts';
import { DEMO_SERVICES, type DemoServiceKey } from './services.ts';
import { prepareDemoDataDir } from './demo-data-dir.ts';
import { printRunDiagnosis, SLOW_QUERY } from './run-answers.ts';

export interface DemoOptions {
  port: number;
  /** The store's directory, kept across runs; absent: a fresh store in .stitch-data/demo (emptied at start). */
  dataDir?: string;
  /** Stop after this many seconds; run until interrupted when absent. */
  durationSeconds?: number;
  /** Checkouts per second of steady traffic. */
  rate?: number;
  scenario?: DemoScenario;
  /** Share of Stripe calls in the 8-10 s tail (stripe-tail scenario); default 2 %. */
  tailShare?: number;
  /** Accounts (names or ids; 'all') whose agents keep their spans, read by central at query time (federated mode). */
  federated?: readonly string[];
  /** Receivers of the checkout SLO's burn-rate alarm (none by default). */
  webhooks?: readonly string[];
  /** When the diagnosis is printed (default after 60 s, or at the end of a shorter run). */
  diagnoseAfterSeconds?: number;
  log?: (line: string) => void;
}

export interface RunningDemo {
  central: RunningCentral;
  traffic: Traffic;
  /** Resolves when the demo has stopped (duration over or `stop()` called). */
  done: Promise<void>;
  stop(): Promise<void>;
}

const SERVICE_SCRIPT = fileURLToPath(new URL('./live/service-process.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Each stage's services call only services of earlier stages, so they start in this order. */
const START_STAGES: DemoServiceKey[][] = [['email', 'pricing', 'inventory', 'payments'], ['notifications', 'checkout'], ['edge']];
/** The logs the demo points at: those of the checkouts that broke the 2 s promise. */
const LOGS_QUERY = 'duration > 2';

/**
 * `stitch demo`: central (the observability account, embedded store), one agent per account with
 * its link, the checkout's services as real HTTP processes traced only by the SDK, the fakes of
 * what sends no spans (Stripe, the warehouse API, the topic, the private link to pricing), and a
 * traffic generator with a live progress line.
 */
export async function runDemo(options: DemoOptions): Promise<RunningDemo> {
  const log = options.log ?? console.log;
  const scenario = options.scenario ?? 'stripe-tail';
  // Every answer the run prints covers this run alone: from here to now.
  const runStartMs = Date.now();
  const { dir: dataDir, fresh } = prepareDemoDataDir(options.dataDir);
  const store = await openDuckDbStore({ path: join(dataDir, DATA_FILES.store) });
  const links = await LinkRegistry.open(null);
  const central = await startOnFreePort(options.port, store, links, join(dataDir, DATA_FILES.ingestLog));

  const agents = new Map<string, RunningAgent>();
  const federated = new Set(options.federated ?? []);
  const fakes: Fake[] = [];
  const services = new Map<DemoServiceKey, { child: ChildProcess; url: string }>();
  const stopAll = async () => {
    for (const { child } of services.values()) child.kill('SIGTERM');
    await Promise.all([...services.values()].map(({ child }) => exited(child, 5_000)));
    await Promise.all([...agents.values()].map((agent) => agent.close()));
    for (const fake of fakes) fake.server.close();
    await central.flushServiceMap(true);
    await central.close();
    await store.close();
  };

  try {
    // The observability account's sink; each source account links to it and runs its agent.
    const accounts = new Map(Object.values(DEMO_SERVICES).map((s) => [s.account, s.accountName]));
    const sink = await links.createSink({ name: 'observability', allowedAccounts: [...accounts.keys()], types: ['traces', 'logs'] });
    for (const [accountId, accountName] of accounts) {
      const keepsSpans = federated.has('all') || federated.has(accountId) || federated.has(accountName);
      // A federated account's agent serves reads on a free loopback port of this machine: its link allows central to read there.
      const { token } = await links.createLink(sink.id, { accountId, accountName, types: ['traces', 'logs'], labelTemplate: '$AccountName', ...(keepsSpans && { allowReadUrls: ['127.0.0.1/32'] }) });
      const spoolDir = join(dataDir, 'agents', accountId);
      const storeDir = join(dataDir, 'agents', accountId, 'store');
      agents.set(accountId, await startAgent({ account: { id: accountId, name: accountName }, sinkUrl: central.url, token, port: 0, udpPort: 0, samplingPort: 0, spoolDir, log: () => {}, ...(keepsSpans && { storeDir, readPort: 0 }) }));
    }

    const [stripe, warehouse, topic] = await Promise.all([startStripe(scenario, options.tailShare ?? 0.02), startWarehouse(scenario), startTopic()]);
    const privateLink = await startPrivateLink(() => services.get('pricing')!.url, scenario);
    fakes.push(stripe, warehouse, topic, privateLink);
    const urlOf = (key: DemoServiceKey) => services.get(key)?.url ?? '';
    for (const stage of START_STAGES) {
      await Promise.all(
        stage.map(async (key) => {
          const downstream = {
            checkout: urlOf('checkout'),
            pricing: privateLink.url,
            inventory: urlOf('inventory'),
            payments: urlOf('payments'),
            email: urlOf('email'),
            stripe: stripe.url,
            warehouse: warehouse.url,
            broker: topic.url,
          };
          services.set(key, await startService(key, agents.get(DEMO_SERVICES[key].account)!.otlpUrl, downstream, scenario));
        }),
      );
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  const traffic = startTraffic(`${services.get('edge')!.url}/checkout`, options.rate ?? 5, log);
  // A kept store holds earlier runs: the commands and pages shown are scoped to this one.
  const since = fresh ? '' : ` --start ${runStartMs}`;
  const sinceParam = fresh ? '' : `?start=${runStartMs}`;
  log(`Stitch demo (${scenario}: ${SCENARIO_STORY[scenario]})`);
  log(`  console:       ${central.url}/map${sinceParam}   (the service map, traces, diagnosis, in the browser)`);
  log(`  central (the observability account): ${central.url}  store ${join(dataDir, DATA_FILES.store)} (${fresh ? 'fresh for this run; --data DIR keeps a store across runs' : 'kept from earlier runs; answers below are of this run, since its start'})`);
  log(`  ${accountsLine(agents)}`);
  log(`  the map:       npx stitch map${since} --url ${central.url}`);
  log(`  slow traces:   npx stitch search '${SLOW_QUERY[scenario]}'${since} --url ${central.url}`);
  log(`  why:           npx stitch diagnose '${SLOW_QUERY[scenario]}'${since} --url ${central.url}`);
  log(`  lost context:  npx stitch propagation${since} --url ${central.url}`);
  await addCheckoutCanary(central.url, `${services.get('edge')!.url}/checkout`).then(
    (id) => log(`  a canary:      the checkout every 30 s, synthetic: ${central.url}/canaries   npx stitch canary run ${id} --url ${central.url}`),
    (error: unknown) => log(`  no canary: ${(error as Error).message}`),
  );
  const webhooks = options.webhooks ?? [];
  await addCheckoutObjectives(central.url, webhooks).then(
    () => {
      log(`  SLOs:          ${central.url}/slos   npx stitch slo --url ${central.url}   (${CHECKOUT_SLO_NAME} over 7 days; payments succeed 99.9 % over 30 days)`);
      log(`  an alarm:      ${central.url}/alarms   the checkout SLO's burn rate, ${webhooks.length ? `notifying ${webhooks.join(', ')}` : 'no webhook (stitch demo --webhook URL adds one)'}`);
    },
    (error: unknown) => log(`  SLOs and alarm not all set: ${(error as Error).message}`),
  );
  log(`  logs:          ${central.url}/logs?q=${encodeURIComponent(LOGS_QUERY)}   npx stitch logs -q '${LOGS_QUERY}' --url ${central.url}   (the lines of checkouts slower than 2 s)`);
  log(`  cost:          ${central.url}/cost   npx stitch cost --url ${central.url}`);
  log(options.durationSeconds ? `  running for ${options.durationSeconds} s` : '  steady traffic until Ctrl-C');
  void traffic.firstTrace.then((traceId) => log(`  a checkout across every account: trace ${traceId}\n    ${central.url}/trace/${traceId}`));
  void traffic.firstSlowTrace.then((traceId) => log(`  a slow checkout (over 8 s): trace ${traceId}\n    ${central.url}/trace/${traceId}   or   npx stitch trace ${traceId} --url ${central.url}`));

  let stopped = false;
  let finish!: () => void;
  const done = new Promise<void>((resolveDone) => (finish = resolveDone));
  const diagnoseAfterMs = (options.diagnoseAfterSeconds ?? Math.min(60, options.durationSeconds ?? 60)) * 1000;
  const diagnosis = setTimeout(() => void printRunDiagnosis(central.url, scenario, runStartMs, log), Math.max(0, diagnoseAfterMs - 2_000));
  const stop = async () => {
    if (stopped) return done;
    stopped = true;
    clearTimeout(timer);
    clearTimeout(diagnosis);
    await traffic.stop();
    log(`\n${traffic.summary()}`);
    await stopAll();
    log('demo stopped');
    finish();
  };
  const timer = options.durationSeconds ? setTimeout(() => void stop(), options.durationSeconds * 1000) : undefined;
  return { central, traffic, done, stop };
}

function accountsLine(agents: Map<string, RunningAgent>): string {
  return `agents: ${[...agents.entries()].map(([account, agent]) => `${account} ${agent.otlpUrl}${agent.federated ? ' (keeps its spans)' : ''}`).join(', ')}`;
}

async function startService(key: DemoServiceKey, agentUrl: string, urls: Record<string, string>, scenario: DemoScenario): Promise<{ child: ChildProcess; url: string }> {
  const spec = DEMO_SERVICES[key];
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', '@stitch/sdk/auto', SERVICE_SCRIPT], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      STITCH_SERVICE_NAME: spec.service,
      STITCH_ACCOUNT_ID: spec.account,
      STITCH_ACCOUNT_LABEL: spec.accountName,
      STITCH_AGENT_ENDPOINT: agentUrl,
      // Every checkout is kept: the demo's traffic is small.
      STITCH_SAMPLE_RATIO: '1',
      DEMO_ROLE: key,
      DEMO_URLS: JSON.stringify(urls),
      DEMO_SCENARIO: scenario,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolveStart, reject) => {
    const timeout = setTimeout(() => reject(new Error(`${spec.service} did not start within 30 s:\n${output.join('\n')}`)), 30_000);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        if (output.length > 50) output.shift();
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match) {
          clearTimeout(timeout);
          resolveStart({ child, url: match[1]! });
        }
      });
    }
    child.once('exit', (code) => {
      clearTimeout(timeout);
      reject(new Error(`${spec.service} exited with ${code}:\n${output.join('\n')}`));
    });
  });
}

function exited(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolveExit();
    });
  });
}

async function startOnFreePort(port: number, store: DuckDbStore, links: LinkRegistry, ingestLogDir: string): Promise<RunningCentral> {
  try {
    return await startCentral({ store, port, links, ingestLogDir });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startCentral({ store, port: 0, links, ingestLogDir });
  }
}
