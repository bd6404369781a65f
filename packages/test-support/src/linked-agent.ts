import { startAgent, type PipelineAgent } from '@stitch/agent';
import { LinkRegistry } from '@stitch/central';
import { startTestCentral, type TestCentral } from './central/start-test-central.ts';

export interface LinkedAgent {
  central: TestCentral;
  registry: LinkRegistry;
  agent: PipelineAgent;
  stop(): Promise<void>;
}

/** A real central and one account's agent linked to it, every port a free loopback one. */
export async function startLinkedAgent(account: { id: string; name: string }): Promise<LinkedAgent> {
  const registry = await LinkRegistry.open(null);
  const central = await startTestCentral({ links: registry });
  const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
  const { token } = await registry.createLink(sink.id, { accountId: account.id, accountName: account.name, types: ['traces'], labelTemplate: '$AccountName' });
  const agent = await startAgent({ account, sinkUrl: central.url, token, port: 0, zipkin: { port: 0 }, udpPort: 0, samplingPort: 0, log: () => {} });
  return {
    central,
    registry,
    agent,
    async stop() {
      await agent.close();
      await central.stop();
    },
  };
}
