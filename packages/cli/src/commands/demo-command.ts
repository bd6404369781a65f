import { Option, type Command } from 'commander';
// The scenarios alone: `stitch --help` must not load the demo (and with it central and DuckDB).
import { DEMO_SCENARIOS, type DemoScenario } from '@stitch/demo/scenarios';
import { integerOption } from './options.ts';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run central and the five-account checkout with steady traffic (what `npm start` runs)')
    .option('--port <n>', 'central port (a free one is taken when busy)', integerOption('--port'), 8700)
    .option('--data <dir>', 'directory of the embedded store, kept across runs (default: a fresh store in .stitch-data/demo, emptied at start)')
    .option('--duration <seconds>', 'stop after this many seconds', integerOption('--duration'))
    .option('--rate <n>', 'checkouts per second', integerOption('--rate'), 5)
    .addOption(new Option('--scenario <name>', 'what goes wrong').choices(DEMO_SCENARIOS).default('stripe-tail'))
    .option('--federated [accounts]', "these accounts' agents keep their spans and central reads them at query time (names or ids, comma-separated; all when none given)")
    .option('--tail <percent>', 'share of Stripe calls in the 8-10 s tail (stripe-tail)', (text) => Number(text) / 100)
    .option('--webhook <url>', "POST the checkout SLO's burn-rate alarm's state changes here (repeatable)", (value: string, all: string[] = []) => [...all, value])
    .action(async (options: { port: number; data?: string; duration?: number; rate: number; scenario: DemoScenario; tail?: number; federated?: string | true; webhook?: string[] }) => {
      const { runDemo } = await import('@stitch/demo');
      const demo = await runDemo({
        port: options.port,
        scenario: options.scenario,
        ...(options.tail !== undefined && Number.isFinite(options.tail) ? { tailShare: options.tail } : {}),
        ...(options.data !== undefined && { dataDir: options.data }),
        rate: options.rate,
        ...(options.webhook && { webhooks: options.webhook }),
        ...(options.federated !== undefined && { federated: options.federated === true ? ['all'] : options.federated.split(',').map((name) => name.trim()) }),
        ...(options.duration !== undefined ? { durationSeconds: options.duration } : {}),
      });
      const interrupt = () => void demo.stop();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      await demo.done;
      process.exit(0);
    });
}
