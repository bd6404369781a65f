import { join } from 'node:path';
import type { LinkCreatedJson, SinkCreatedJson } from '@stitch/api';
import { startAgentProcess, startCentralProcess, type StitchProcess } from './central-process.ts';
import { postJson } from './post-json.ts';

// Central and one `stitch agent` per account, as they are deployed: each agent linked to central
// with its own link token, taking its account's OTLP, spooling it (fsync'd, gzip-compressed) and
// forwarding it with gzip and an Idempotency-Key per batch (packages/agent/src/central-transport.ts).

export interface FleetAgent {
  account: { id: string; name: string };
  process: StitchProcess;
  spoolDir: string;
}

export interface AgentFleet {
  central: StitchProcess;
  agents: FleetAgent[];
  /** Agents first (their spools drained by the caller), then central, each stopped cleanly. */
  stop(): Promise<void>;
}

/** Above what the load sends, so the links' rate limit (default 500 requests/s) never shapes the figures. */
const LINK_REQUESTS_PER_SECOND = 10_000;

export async function startAgentFleet(options: {
  dir: string;
  accounts: ReadonlyArray<{ id: string; name: string }>;
  decodeWorkers: number;
  clickhouseUrls?: readonly string[];
}): Promise<AgentFleet> {
  const central = await startCentralProcess({ dataDir: join(options.dir, 'central'), decodeWorkers: options.decodeWorkers, ...(options.clickhouseUrls ? { clickhouseUrls: options.clickhouseUrls } : {}) });
  const agents: FleetAgent[] = [];
  const stop = async () => {
    for (const agent of agents) await agent.process.stop();
    await central.stop();
  };
  try {
    const { sink } = await postJson<SinkCreatedJson>(`${central.url}/api/sinks`, { name: 'bench', allowedAccounts: options.accounts.map((account) => account.id), types: ['traces'] });
    for (const account of options.accounts) {
      const { token } = await postJson<LinkCreatedJson>(`${central.url}/api/sinks/${sink.id}/links`, {
        accountId: account.id,
        accountName: account.name,
        types: ['traces'],
        labelTemplate: '$AccountName',
        requestsPerSecond: LINK_REQUESTS_PER_SECOND,
      });
      const spoolDir = join(options.dir, 'spools', account.name);
      agents.push({ account, process: await startAgentProcess({ sinkUrl: central.url, token, spoolDir, account }), spoolDir });
    }
    return { central, agents, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
