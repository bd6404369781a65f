import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { runStitch, startStitch } from '@stitch/test-support/cli-process';

const ADMIN = 'admin-0123456789abcdef0123';
const READER = 'reader-0123456789abcdef0123';

test('a central started with tokens: the CLI works with STITCH_TOKEN and says what is missing without it', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp('/tmp/stitch-cli-access-');
  await writeFile(`${dir}/admin-token`, `${ADMIN}\n`);
  const central = await startStitch(['central', '--memory', '--port', '0', '--admin-token-file', `${dir}/admin-token`], /listening on (http:\/\/\S+)/, 30_000, { STITCH_READ_TOKEN: READER });
  const url = central.match[1]!;
  try {
    const anonymous = await runStitch(['search', '--url', url]);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /authorization: this central needs the read token/);
    assert.equal((await runStitch(['search', '--url', url], { STITCH_TOKEN: READER })).code, 0);

    const asReader = await runStitch(['sink', 'create', 'observability', '--url', url], { STITCH_TOKEN: READER });
    assert.match(asReader.stderr, /authorization: the read token only reads/);
    const sink = await runStitch(['sink', 'create', 'observability', '--url', url, '--json'], { STITCH_TOKEN: ADMIN });
    assert.equal(sink.code, 0, sink.stderr);
    const sinkId = (JSON.parse(sink.stdout) as { sink: { id: string } }).sink.id;
    const link = await runStitch(['link', 'create', '--sink', sinkId, '--account-id', '333333333333', '--account-name', 'pricing', '--can-change-sampling', '--url', url, '--json'], { STITCH_TOKEN: ADMIN });
    const { token } = JSON.parse(link.stdout) as { token: string };
    const added = await runStitch(['sampling', 'add', 'pricing-debug', '--priority', '5', '--fixed-target', '1', '--rate', '1', '--for', '10m', '--url', url], { STITCH_TOKEN: token });
    assert.equal(added.code, 0, `a link allowed to change sampling rules adds one: ${added.stderr}`);
    await writeFile(`${dir}/stop-sampling.json`, JSON.stringify({ version: 2, rules: [], default: { fixed_target: 0, rate: 0 } }));
    const replaced = await runStitch(['sampling', 'apply', `${dir}/stop-sampling.json`, '--url', url], { STITCH_TOKEN: token });
    assert.equal(replaced.code, 1, 'but never replaces the fleet\'s rules');
    assert.match(replaced.stderr, /authorization: replacing the sampling rules needs the admin token/);
    const deleted = await runStitch(['sampling', 'delete', 'Default', '--url', url], { STITCH_TOKEN: token });
    assert.match(deleted.stderr, /authorization: the default rule is the admin's/);
    assert.ok(!central.output().includes(ADMIN) && !central.output().includes(READER) && !central.output().includes(token), 'no credential in central\'s output');
  } finally {
    await central.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('stitch central will not listen beyond loopback without an admin token', { timeout: 30_000 }, async () => {
  const refused = await runStitch(['central', '--memory', '--port', '0', '--host', '0.0.0.0'], { STITCH_ADMIN_TOKEN: '' });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /adminToken: central would listen on 0\.0\.0\.0 with no credential/);
});

test('stitch token create, list, rotate and revoke: read tokens scoped to accounts, and the admin token rotated', { timeout: 90_000 }, async () => {
  const dir = await mkdtemp('/tmp/stitch-cli-tokens-');
  const central = await startStitch(['central', '--data', dir, '--port', '0'], /listening on (http:\/\/\S+)/, 30_000, { STITCH_ADMIN_TOKEN: ADMIN });
  const url = central.match[1]!;
  const stitch = (args: string[], token: string) => runStitch([...args, '--url', url], { STITCH_TOKEN: token });
  try {
    const created = await stitch(['token', 'create', '--read', '--accounts', '111111111111,222222222222', '--json'], ADMIN);
    assert.equal(created.code, 0, created.stderr);
    const { token, info } = JSON.parse(created.stdout) as { token: string; info: { id: string; accounts: string[] } };
    assert.deepEqual(info.accounts, ['111111111111', '222222222222']);
    assert.equal((await stitch(['search'], token)).code, 0, 'the scoped token reads');
    assert.match((await stitch(['sink', 'list'], token)).stderr, /authorization: read token .* reads only accounts 111111111111, 222222222222/);

    const listed = await stitch(['token', 'list'], ADMIN);
    assert.match(listed.stdout, new RegExp(`${info.id}  reads accounts 111111111111, 222222222222  created \\S+  last used \\d{4}-`));
    assert.ok(!listed.stdout.includes(token), 'never the token');
    assert.match((await stitch(['token', 'list'], token)).stderr, /authorization: /, 'only the admin lists tokens');

    const rotated = await stitch(['token', 'rotate', info.id], ADMIN);
    const fresh = /new token \(shown once, keep it secret\): (\S+)/.exec(rotated.stdout)?.[1];
    assert.ok(fresh, rotated.stdout + rotated.stderr);
    assert.match((await stitch(['search'], token)).stderr, /authorization: unknown token/, 'the old secret is refused');
    assert.equal((await stitch(['search'], fresh)).code, 0);
    assert.match((await stitch(['token', 'revoke', info.id], ADMIN)).stdout, /revoked/);
    assert.equal((await stitch(['search'], fresh)).code, 1, 'a revoked token is refused');

    const admin = /new token \(shown once, keep it secret\): (\S+)/.exec((await stitch(['token', 'rotate', 'admin'], ADMIN)).stdout)?.[1];
    assert.ok(admin);
    assert.equal((await stitch(['token', 'list'], ADMIN)).code, 1, 'the old admin token is refused');
    assert.equal((await stitch(['token', 'list'], admin)).code, 0);
    for (const secret of [ADMIN, token, fresh, admin]) assert.ok(!central.output().includes(secret), "no token in central's output");
  } finally {
    await central.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
