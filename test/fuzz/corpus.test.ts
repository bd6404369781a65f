import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTextMapGetter, defaultTextMapSetter, isSpanContextValid, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { FilterSyntaxError, parseFilter } from '@stitch/query';
import { checkOtlpProtobuf, decodeOtlpTraces, WireError, type DecodedBatch, type OtlpFormat } from '@stitch/wire';
import { startLinkedAgent, type LinkedAgent } from '@stitch/test-support/linked-agent';
import { DecodePool } from '@stitch/central/ingest/decode-pool';
import { createPropagator } from '@stitch/sdk';
import { percentEncode } from './filter-inputs.ts';
import { FuzzClient } from './http-client.ts';

// Replays every input in corpus/ (see corpus/README.md) against its surface.

const CORPUS = new URL('./corpus/', import.meta.url).pathname;
const OTLP_ANSWERS = new Set([200, 400, 413, 415]);
/** Settling the service map after one input: it once hung on a call claiming to last centuries. */
const MAX_FLUSH_MS = 5_000;

const filesOf = (surface: string) => readdirSync(join(CORPUS, surface)).map((name) => ({ name, bytes: readFileSync(join(CORPUS, surface, name)) }));
const textOf = (bytes: Buffer) => bytes.toString('utf8').replace(/\n$/, '');

describe('the fuzzing corpus: inputs that once broke something', () => {
  let linked: LinkedAgent;
  let central: FuzzClient;
  let agent: FuzzClient;
  const pool = new DecodePool(1);

  before(async () => {
    linked = await startLinkedAgent({ id: '444444444444', name: 'payments' });
    central = new FuzzClient(linked.central.url);
    agent = new FuzzClient(linked.agent.otlpUrl);
  });
  after(async () => {
    central.close();
    agent.close();
    await pool.close();
    await linked.stop();
  });

  /** Decoded on this thread (as an agent that keeps its spans) and on central's worker: the same spans, or the same refusal. */
  async function sameOnWorker(bytes: Buffer, format: OtlpFormat): Promise<void> {
    const account = { id: '444444444444', label: 'payments' };
    const outcomeOf = (decoded: DecodedBatch) => JSON.stringify(decoded, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));
    const refusalOf = (error: unknown) => {
      if (error instanceof WireError) return `refused: ${error.message}`;
      throw error;
    };
    let here: string;
    try {
      here = outcomeOf(decodeOtlpTraces(bytes, format, account));
    } catch (error) {
      here = refusalOf(error);
    }
    assert.equal(await pool.decode(bytes, format, account).then(outcomeOf, refusalOf), here, 'decoded on a worker as on the main thread');
  }

  /** Central still answers, and the service map settles everything waiting in good time. */
  async function centralStillWell(name: string): Promise<void> {
    const started = Date.now();
    await linked.central.flushServiceMap(true);
    assert.ok(Date.now() - started < MAX_FLUSH_MS, `${name}: settling the service map took ${Date.now() - started} ms`);
    assert.equal((await central.send({ path: '/api/health' })).status, 200, `${name}: central stopped answering`);
  }

  const post = (client: FuzzClient, body: Buffer, headers: Record<string, string>) => client.send({ method: 'POST', path: '/v1/traces', headers, body });

  for (const { name, bytes } of filesOf('otlp-protobuf')) {
    test(`otlp-protobuf/${name}: central and the agent give the same class of answer`, async () => {
      const headers = { 'content-type': 'application/x-protobuf' };
      const [atCentral, atAgent] = [await post(central, bytes, headers), await post(agent, bytes, headers)];
      assert.ok(OTLP_ANSWERS.has(atCentral.status) && OTLP_ANSWERS.has(atAgent.status), `central ${atCentral.status}, agent ${atAgent.status}`);
      assert.equal(atAgent.status === 200, atCentral.status === 200, `central ${atCentral.status}: ${atCentral.body.toString('latin1')}; agent ${atAgent.status}`);
      const verdict = (read: () => unknown) => {
        try {
          return JSON.stringify(read());
        } catch {
          return 'refused';
        }
      };
      const decoded = verdict(() => {
        const { batch, rejected } = decodeOtlpTraces(bytes, 'protobuf', { id: 'x', label: 'x' });
        return { accepted: batch.length, rejected: rejected.length };
      });
      const checked = verdict(() => {
        const { accepted, rejected } = checkOtlpProtobuf(bytes);
        return { accepted, rejected: rejected.length };
      });
      assert.equal(checked, decoded, "the agent's check and central's decoder");
      await sameOnWorker(bytes, 'protobuf');
      await centralStillWell(name);
    });
  }

  for (const { name, bytes } of filesOf('otlp-json')) {
    test(`otlp-json/${name}: central and the agent give the same answer (200/400/413/415), and central stays well`, async () => {
      const headers = { 'content-type': 'application/json' };
      const [atCentral, atAgent] = [await post(central, bytes, headers), await post(agent, bytes, headers)];
      assert.ok(OTLP_ANSWERS.has(atCentral.status), `${atCentral.status}: ${atCentral.body.toString()}`);
      assert.equal(atAgent.status, atCentral.status, `central ${atCentral.status}: ${atCentral.body.toString().slice(0, 300)}; agent ${atAgent.status}: ${atAgent.body.toString().slice(0, 300)}`);
      await sameOnWorker(bytes, 'json');
      await centralStillWell(name);
    });
  }

  for (const { name, bytes } of filesOf('otlp-gzip')) {
    test(`otlp-gzip/${name}: 200/400/413/415`, async () => {
      const answer = await post(central, bytes, { 'content-type': name.includes('.json') ? 'application/json' : 'application/x-protobuf', 'content-encoding': 'gzip' });
      assert.ok(OTLP_ANSWERS.has(answer.status), `${answer.status}: ${answer.body.toString()}`);
      await centralStillWell(name);
    });
  }

  for (const { name, bytes } of filesOf('xray-udp')) {
    test(`xray-udp/${name}: the agent delivers the segment to central`, async () => {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve) => socket.send(bytes, linked.agent.udpPort, '127.0.0.1', () => resolve()));
      socket.close();
      const traceId = (JSON.parse(textOf(bytes).slice(textOf(bytes).indexOf('\n') + 1)) as { trace_id: string }).trace_id.replaceAll('-', '').slice(1);
      const deadline = Date.now() + 10_000;
      let status = 0;
      while (Date.now() < deadline && (status = (await central.send({ path: `/api/traces/${traceId}` })).status) !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(status, 200, `trace ${traceId} not in central after 10 s (${linked.agent.forwarder.waitingBatches} batches spooled)`);
      assert.equal(linked.agent.forwarder.refusedBatches, 0, 'central refused a batch of the agent');
      await centralStillWell(name);
    });
  }

  for (const { name, bytes } of filesOf('trace-id-url')) {
    test(`trace-id-url/${name}: 200/400/404`, async () => {
      const answer = await central.send({ path: `/api/traces/${textOf(bytes)}` });
      assert.ok([200, 400, 404].includes(answer.status), `${answer.status}: ${answer.body.toString()}`);
    });
  }

  for (const { name, bytes } of filesOf('sampling-rule-url')) {
    test(`sampling-rule-url/${name}: 400/404`, async () => {
      const answer = await central.send({ method: 'DELETE', path: `/api/sampling/rules/${textOf(bytes)}` });
      assert.ok([400, 404].includes(answer.status), `${answer.status}: ${answer.body.toString()}`);
    });
  }

  for (const { name, bytes } of filesOf('search-params')) {
    test(`search-params/${name}: 200/400 from /api/traces and /api/service-map`, async () => {
      for (const path of ['/api/traces', '/api/service-map']) {
        const answer = await central.send({ path: `${path}?${textOf(bytes)}` });
        assert.ok([200, 400].includes(answer.status), `${path}: ${answer.status}: ${answer.body.toString()}`);
      }
    });
  }

  for (const { name, bytes } of filesOf('headers')) {
    test(`headers/${name}: extraction never throws; ids in lower case; what is injected again is valid W3C`, () => {
      const carrier = Object.fromEntries(textOf(bytes).split('\n').map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const propagator = createPropagator('both');
      const extracted = propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
      const spanContext = trace.getSpanContext(extracted);
      if (spanContext === undefined) return;
      assert.ok(isSpanContextValid(spanContext));
      assert.match(`${spanContext.traceId}${spanContext.spanId}`, /^[0-9a-f]{48}$/);
      const injected: Record<string, string> = {};
      propagator.inject(extracted, injected, defaultTextMapSetter);
      assert.match(injected.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    });
  }

  for (const { name, bytes } of filesOf('filter')) {
    test(`filter/${name}: a parse or a FilterSyntaxError at a column of the text; 200/400 from the search`, async () => {
      const text = textOf(bytes);
      try {
        parseFilter(text);
      } catch (error) {
        assert.ok(error instanceof FilterSyntaxError, String(error));
        assert.ok(error.column >= 1 && error.column <= text.length + 1, `column ${error.column}`);
      }
      const answer = await central.send({ path: `/api/traces?q=${percentEncode(text)}` });
      assert.ok([200, 400].includes(answer.status), `${answer.status}: ${answer.body.toString()}`);
    });
  }
});
