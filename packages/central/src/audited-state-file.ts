import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

// Central's small stores of configuration (links, sampling rules): the whole state in one JSON
// file, replaced atomically on every change, and each change appended to `<file>.audit.jsonl`.

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

export async function saveState(file: string | null, state: unknown, audited: object): Promise<void> {
  if (!file) return;
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  await writeFile(temporary, JSON.stringify(state, null, 2));
  await rename(temporary, file);
  await appendFile(`${file}.audit.jsonl`, `${JSON.stringify(audited)}\n`);
}
