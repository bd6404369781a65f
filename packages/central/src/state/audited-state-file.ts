import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// Central's small stores of configuration (links, sampling rules, SLOs, alarms, prices, canaries):
// the whole state in one JSON file, replaced atomically on every change, and each change appended
// to `<file>.audit.jsonl`. Both are fsync'd before a change counts as made.

/** The state saved in `file`, or `initial` when there is none (or no file: in memory only). */
export async function readState<T>(file: string | null, initial: T): Promise<T> {
  const text = await readTextIfAny(file);
  return text === null ? initial : (JSON.parse(text) as T);
}

/** The file's text; null when there is no such file (or no file: in memory only). */
export async function readTextIfAny(file: string | null): Promise<string | null> {
  if (!file) return null;
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return null;
  }
}

/** `<file>.<pid>.<random>.tmp`: unique, so two writers (or a crashed one's leftover) never share a temporary file. */
const TEMPORARY = /^\.\d+\.[0-9a-f]{12}\.tmp$/;

/**
 * A file written completely and durably, or not at all: its text goes to a temporary file of its
 * own, fsync'd, then (after `beforeRename`, e.g. the audit line) renamed over `file`, and the
 * directory fsync'd. The rename is the commit: when anything up to it fails, the temporary file is
 * removed, `file` keeps its previous content, and the error is thrown.
 */
export async function writeFileAtomically(file: string, text: string, beforeRename: () => Promise<void> = async () => {}): Promise<void> {
  const directory = dirname(file);
  await mkdir(directory, { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await beforeRename();
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
  await syncDirectory(directory);
}

/**
 * Appends `text` to `file` and fsyncs it. Returns how to take it back (truncating to the previous
 * length): when a later step of the same change fails, its audit line must not remain. A failed
 * append is taken back here (a full disk can leave half a line).
 */
export async function appendDurably(file: string, text: string): Promise<{ undo: () => Promise<void> }> {
  await mkdir(dirname(file), { recursive: true });
  const handle = await open(file, 'a');
  let length = 0;
  try {
    length = (await handle.stat()).size;
    await handle.appendFile(text);
    await handle.sync();
  } catch (error) {
    await handle.truncate(length).catch(() => {});
    throw error;
  } finally {
    await handle.close();
  }
  return {
    undo: async () => {
      const again = await open(file, 'r+');
      try {
        await again.truncate(length);
        await again.sync();
      } finally {
        await again.close();
      }
    },
  };
}

/** Removes temporary files a crashed writer of `file` left behind (none when central stopped cleanly). */
export async function removeLeftoverTemporaries(file: string): Promise<void> {
  const prefix = basename(file);
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.startsWith(prefix) && TEMPORARY.test(name.slice(prefix.length)))
      .map((name) => unlink(join(dirname(file), name)).catch(() => {})),
  );
}

/**
 * Makes a rename in `directory` durable. Past the rename the change is made, so a failure here is
 * not one of the change: some filesystems cannot fsync a directory at all (EINVAL).
 */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    await handle.sync().finally(() => handle.close());
  } catch {
    // Nothing more can be done: the renamed file is in place.
  }
}
