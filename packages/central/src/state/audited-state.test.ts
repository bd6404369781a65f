import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '@stitch/http';
import { AuditedState } from './audited-state.ts';

interface Names {
  names: string[];
}

async function scratch(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp('/tmp/stitch-audited-state-');
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const auditLines = async (file: string) => (await readFile(`${file}.audit.jsonl`, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as { at: string; added: string });
const saved = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Names;

const add = (state: AuditedState<Names>, name: string) =>
  state.change((draft) => {
    if (draft.names.includes(name)) throw new ApiError(409, `name: ${name} exists`);
    draft.names.push(name);
    return { audited: { added: name }, result: draft.names.length };
  });

describe('AuditedState: every registry writes through it', () => {
  test('60 changes at once: each one lands, in the file and in the audit log, with no temporary file left', async (t) => {
    const dir = await scratch(t);
    const file = join(dir, 'names.json');
    const state = await AuditedState.open<Names>(file, { names: [] });
    const names = Array.from({ length: 60 }, (_, i) => `n${i}`);
    const counts = await Promise.all(names.map((name) => add(state, name)));
    assert.deepEqual([...counts].sort((a, b) => a - b), names.map((_, i) => i + 1), 'each change saw every change before it');
    assert.deepEqual((await saved(file)).names.sort(), [...names].sort());
    assert.deepEqual((await auditLines(file)).map((line) => line.added).sort(), [...names].sort());
    assert.deepEqual((await readdir(dir)).sort(), ['names.json', 'names.json.audit.jsonl']);
    const reopened = await AuditedState.open<Names>(file, { names: [] });
    assert.equal(reopened.state.names.length, 60);
  });

  test('a refused change (its apply throws) leaves nothing behind, and the next change goes ahead', async (t) => {
    const file = join(await scratch(t), 'names.json');
    const state = await AuditedState.open<Names>(file, { names: [] });
    await add(state, 'a');
    const [refused, next] = await Promise.allSettled([add(state, 'a'), add(state, 'b')]);
    assert.equal(refused.status, 'rejected');
    assert.match((refused as PromiseRejectedResult).reason.message, /^name: a exists/);
    assert.deepEqual(next, { status: 'fulfilled', value: 2 });
    assert.deepEqual(state.state.names, ['a', 'b']);
    assert.deepEqual((await saved(file)).names, ['a', 'b']);
    assert.deepEqual((await auditLines(file)).map((line) => line.added), ['a', 'b']);
  });

  test('an audit line that cannot be written: the caller gets the error; memory and disk keep the previous state', async (t) => {
    const dir = await scratch(t);
    const file = join(dir, 'names.json');
    const state = await AuditedState.open<Names>(file, { names: [] });
    await add(state, 'a');
    // The audit log replaced by a directory: appending to it fails (EISDIR), as a full or broken disk would.
    await rm(`${file}.audit.jsonl`);
    await mkdir(`${file}.audit.jsonl`);
    await assert.rejects(add(state, 'b'), /EISDIR/);
    assert.deepEqual(state.state.names, ['a'], 'memory');
    assert.deepEqual((await saved(file)).names, ['a'], 'disk');
    assert.deepEqual((await readdir(dir)).sort(), ['names.json', 'names.json.audit.jsonl'], 'the temporary file removed');
    await rm(`${file}.audit.jsonl`, { recursive: true });
    assert.equal(await add(state, 'b'), 2, 'the next change goes ahead once the disk is back');
    assert.deepEqual((await auditLines(file)).map((line) => line.added), ['b']);
  });

  test('a rename that fails after the audit line was written takes the line back', async (t) => {
    const dir = await scratch(t);
    const file = join(dir, 'names.json');
    const state = await AuditedState.open<Names>(file, { names: [] });
    await add(state, 'a');
    const auditBefore = await readFile(`${file}.audit.jsonl`, 'utf8');
    // The state file replaced by a non-empty directory: the rename over it fails.
    await rm(file);
    await mkdir(file);
    await writeFile(join(file, 'x'), '');
    await assert.rejects(add(state, 'b'), /EISDIR|ENOTEMPTY|EEXIST/);
    assert.deepEqual(state.state.names, ['a']);
    assert.equal(await readFile(`${file}.audit.jsonl`, 'utf8'), auditBefore, 'no audit line for a change not made');
    assert.equal((await readdir(dir)).filter((name) => name.endsWith('.tmp')).length, 0);
  });

  test('a temporary file a crashed writer left behind is removed at open; other files are not', async (t) => {
    const dir = await scratch(t);
    const file = join(dir, 'names.json');
    await writeFile(`${file}.4242.0123456789ab.tmp`, '{"names": ["torn');
    await writeFile(join(dir, 'other.json.4242.0123456789ab.tmp'), '');
    const state = await AuditedState.open<Names>(file, { names: [] });
    assert.deepEqual(state.state.names, []);
    assert.deepEqual(await readdir(dir), ['other.json.4242.0123456789ab.tmp']);
  });

  test('changes kept in memory only run in order with the written ones', async (t) => {
    const file = join(await scratch(t), 'names.json');
    const state = await AuditedState.open<Names>(file, { names: [] });
    const written = add(state, 'a');
    const inMemory = state.changeInMemory((current) => current.names.push('memo'));
    await Promise.all([written, inMemory]);
    assert.deepEqual(state.state.names, ['a', 'memo'], 'not lost when the written change lands');
    assert.deepEqual((await saved(file)).names, ['a']);
  });
});
