import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ReadAllowList, type ResolveHost } from './read-allow-list.ts';
import { RemoteReadError } from './remote-read-error.ts';
import { RemoteStore } from './remote-store.ts';
import { listen, type TestServer } from '@stitch/test-support/listen';

const account = { id: '333333333333', label: 'payments' };
const TOKEN = 'stl_link-token-of-payments';
const REFUSED = "refused: not on central's federation allow-list";
const servers: TestServer[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

/** A server answering stats, recording the Authorization header of every request it gets. */
async function recordingServer(): Promise<{ url: string; port: number; tokens: Array<string | undefined> }> {
  const tokens: Array<string | undefined> = [];
  const server = await listen((req: IncomingMessage, res: ServerResponse) => {
    tokens.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ spanCount: 3, traceCount: 1 }));
  });
  servers.push(server);
  return { url: server.url, port: Number(new URL(server.url).port), tokens };
}

const remote = (url: string, allowList: ReadAllowList) => new RemoteStore({ url, token: TOKEN, allowList, account, timeoutMs: 2_000 });

async function refused(read: Promise<unknown>): Promise<void> {
  const error = await read.then(() => assert.fail('the read succeeded'), (error: unknown) => error);
  assert.ok(error instanceof RemoteReadError, String(error));
  assert.equal(error.reason, REFUSED);
}

describe('RemoteStore sends the link token only to URLs on the allow-list', () => {
  test('the allowed URL is read; another port on the same loopback is not contacted', async () => {
    const allowed = await recordingServer();
    const other = await recordingServer();
    const allowList = ReadAllowList.of([allowed.url]);
    assert.deepEqual(await remote(allowed.url, allowList).stats(), { spanCount: 3, traceCount: 1 });
    await refused(remote(other.url, allowList).stats());
    assert.deepEqual(allowed.tokens, [`Bearer ${TOKEN}`]);
    assert.deepEqual(other.tokens, [], 'the other port never saw a request');
  });

  test('the metadata address is refused before any connection (not a timeout)', async () => {
    const started = Date.now();
    await refused(remote('http://169.254.169.254', ReadAllowList.of(['127.0.0.0/8', '10.0.0.0/8'])).stats());
    await refused(remote('http://[fd00:ec2::254]', ReadAllowList.of(['fd00:ec2::1'])).stats());
    assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
  });

  test('localhost resolves to loopback: refused when only other networks are allowed', async () => {
    const server = await recordingServer();
    await refused(remote(`http://localhost:${server.port}`, ReadAllowList.of(['10.0.0.0/8'])).stats());
    // Allowing the name is not enough: its loopback address must be allowed itself.
    await refused(remote(`http://localhost:${server.port}`, ReadAllowList.of([`http://localhost:${server.port}`])).stats());
    assert.deepEqual(server.tokens, []);
    assert.equal((await remote(`http://localhost:${server.port}`, ReadAllowList.of([`127.0.0.1:${server.port}`])).stats()).spanCount, 3);
  });

  test('the connection goes to the address checked, and the check is made again at every read', async () => {
    const server = await recordingServer();
    // A name the system resolver does not know: the read can only succeed through the checked address.
    const answers = [['127.0.0.1'], ['10.9.9.9']];
    const resolve: ResolveHost = async () => (answers.shift() ?? ['10.9.9.9']).map((address) => ({ address, family: 4 }));
    const store = remote(`http://agent.payments.invalid:${server.port}`, ReadAllowList.of(['127.0.0.1/32'], resolve));
    assert.equal((await store.stats()).spanCount, 3);
    // Rebound to an address off the list: refused, the token not sent.
    await refused(store.stats());
    assert.equal(server.tokens.length, 1);
  });
});
