import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { runStitch, startStitch } from './cli-process.ts';

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
