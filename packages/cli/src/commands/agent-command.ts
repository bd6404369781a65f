import { join } from 'node:path';
import { DEFAULT_MAX_SPANS_PER_REQUEST } from '@stitch/http';
import type { Command } from 'commander';
import { CliError } from '../api-client.ts';
import { integerOption } from './options.ts';

interface AgentCommandOptions {
  account: string;
  name: string;
  sink: string;
  token: string;
  port: number;
  grpcPort: number;
  zipkinPort: number;
  udpPort: number;
  samplingPort: number;
  host: string;
  spool?: string;
  spoolMb: number;
  maxSpansPerRequest: number;
  store?: string;
  readPort: number;
  readHost?: string;
  advertiseUrl?: string;
}

export function registerAgentCommand(program: Command): void {
  program
    .command('agent')
    .description("run one source account's agent: OTLP (HTTP, gRPC), Zipkin v2 and X-Ray segments in, forwarded to central with the link's token")
    .requiredOption('--account <id>', 'this account')
    .requiredOption('--name <name>', "this account's name")
    .requiredOption('--sink <url>', 'central (the sink)')
    .option('--token <token>', 'the link token (or STITCH_LINK_TOKEN)', process.env.STITCH_LINK_TOKEN)
    .option('--port <n>', 'OTLP/HTTP port', integerOption('--port'), 4318)
    .option('--grpc-port <n>', 'OTLP/gRPC port (0: none; the default is passed over, with a notice, when taken)', integerOption('--grpc-port'), 4317)
    .option('--zipkin-port <n>', 'Zipkin v2 port, POST /api/v2/spans (0: none; the default is passed over, with a notice, when taken)', integerOption('--zipkin-port'), 9411)
    .option('--udp-port <n>', 'X-Ray daemon UDP port', integerOption('--udp-port'), 2000)
    .option('--sampling-port <n>', 'sampling proxy TCP port (GetSamplingRules, SamplingTargets)', integerOption('--sampling-port'), 2000)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--spool <dir>', 'where accepted batches, and logs (in <dir>/logs), wait for central: on disk, so what the agent accepted survives it (default .stitch-data/agent-<account>/spool)')
    .option('--spool-mb <n>', 'spool bound; beyond it the oldest batches are dropped and counted', integerOption('--spool-mb'), 256)
    .option('--max-spans-per-request <n>', 'more spans in one OTLP request is a 413', integerOption('--max-spans-per-request'), DEFAULT_MAX_SPANS_PER_REQUEST)
    .option('--store <dir>', "federated mode: keep this account's spans in its own store here; central reads them (with the link's token) instead of receiving them. ':memory:' keeps them in a throw-away store, no folder, gone when the agent stops (logs still wait for central in --spool, on disk)")
    .option('--read-port <n>', 'federated mode: port of the read API central calls', integerOption('--read-port'), 4319)
    .option('--read-host <address>', 'federated mode: address of the read API (default: --host)')
    .option('--advertise-url <url>', 'federated mode: the URL central reads at, when not the address listened on')
    .action(async (options: AgentCommandOptions, command: Command) => {
      if (!options.token) throw new CliError('--token: required (the token `stitch link create` printed), or set STITCH_LINK_TOKEN');
      const spoolDir = options.spool ?? join('.stitch-data', `agent-${options.account.replace(/[^A-Za-z0-9_.-]/g, '_')}`, 'spool');
      const { startAgent } = await import('@stitch/agent');
      const agent = await startAgent({
        account: { id: options.account, name: options.name },
        sinkUrl: options.sink,
        token: options.token,
        port: options.port,
        ...(options.grpcPort === 0 ? {} : { grpc: { port: options.grpcPort, ifFree: command.getOptionValueSource('grpcPort') === 'default' } }),
        ...(options.zipkinPort === 0 ? {} : { zipkin: { port: options.zipkinPort, ifFree: command.getOptionValueSource('zipkinPort') === 'default' } }),
        udpPort: options.udpPort,
        samplingPort: options.samplingPort,
        host: options.host,
        spoolDir,
        maxSpoolBytes: options.spoolMb * 1024 * 1024,
        maxSpansPerRequest: options.maxSpansPerRequest,
        ...(options.store !== undefined && { storeDir: options.store, readPort: options.readPort, readHost: options.readHost, advertiseUrl: options.advertiseUrl }),
      });
      const destination = agent.federated ? `keeping spans in ${options.store}, read API on ${agent.federated.readUrl} (registered with ${options.sink})` : `forwarding to ${options.sink}, spool ${spoolDir}`;
      console.log(`stitch agent for account ${options.account} (${options.name}): OTLP/HTTP on ${agent.otlpUrl}${agent.grpcPort === null ? '' : `, OTLP/gRPC on ${options.host}:${agent.grpcPort}`}${agent.zipkinPort === null ? '' : `, Zipkin on http://${options.host}:${agent.zipkinPort}/api/v2/spans`}, X-Ray UDP on ${options.host}:${agent.udpPort}, sampling on ${agent.samplingUrl}, ${destination}`);
      const stop = async (signal: string) => {
        console.log(`\n${signal}: stopping the agent (delivering what is spooled, for up to 5 s)`);
        await agent.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}
