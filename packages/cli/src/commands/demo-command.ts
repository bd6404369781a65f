import type { Command } from 'commander';
import { integerOption } from './options.ts';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run central and the five-account checkout with steady traffic (what `npm start` runs)')
    .option('--port <n>', 'central port (a free one is taken when busy)', integerOption('--port'), 8700)
    .option('--data <dir>', 'directory of the embedded store', '.stitch-data/demo')
    .option('--duration <seconds>', 'stop after this many seconds', integerOption('--duration'))
    .option('--rate <n>', 'checkouts per second', integerOption('--rate'), 5)
    .action(async (options: { port: number; data: string; duration?: number; rate: number }) => {
      const { runDemo } = await import('@stitch/demo');
      const demo = await runDemo({
        port: options.port,
        dataDir: options.data,
        rate: options.rate,
        ...(options.duration !== undefined ? { durationSeconds: options.duration } : {}),
      });
      const interrupt = () => void demo.stop();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      await demo.done;
      process.exit(0);
    });
}
