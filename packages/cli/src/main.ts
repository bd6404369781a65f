import { Command } from 'commander';
import { CliError } from './api-client.ts';
import { registerCentralCommand } from './commands/central-command.ts';
import { registerDemoCommand } from './commands/demo-command.ts';
import { registerQueryCommands } from './commands/query-commands.ts';
import { registerDiagnoseCommand } from './commands/diagnose-command.ts';
import { registerLinkCommands } from './commands/link-commands.ts';
import { registerTokenCommands } from './commands/token-commands.ts';
import { registerAgentCommand } from './commands/agent-command.ts';
import { registerMapCommands } from './commands/map-commands.ts';
import { registerSamplingCommands } from './commands/sampling-commands.ts';
import { registerLogsCommand } from './commands/logs-command.ts';
import { registerCostCommands } from './commands/cost-commands.ts';
import { registerCanaryCommands } from './commands/canary-commands.ts';
import { registerAlarmCommands } from './commands/alarm-commands.ts';
import { registerSpanMetricsCommands } from './commands/span-metrics-commands.ts';

const program = new Command('stitch')
  .description('Stitch: one trace across many accounts')
  .showHelpAfterError();
registerCentralCommand(program);
registerQueryCommands(program);
registerDiagnoseCommand(program);
registerMapCommands(program);
registerSamplingCommands(program);
registerLogsCommand(program);
registerCostCommands(program);
registerCanaryCommands(program);
registerAlarmCommands(program);
registerSpanMetricsCommands(program);
registerLinkCommands(program);
registerTokenCommands(program);
registerAgentCommand(program);
registerDemoCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CliError) {
    console.error(`stitch: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
