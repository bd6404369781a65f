import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

// Central's small stores of configuration (links, sampling rules): the whole state in one JSON
// file, replaced atomically on every change, and each change appended to `<file>.audit.jsonl`.

/** The state saved in `file`, or `initial` when there is none (or no file: in memory only). */
export async function readState<T>(file: string | null, initial: T): Promise<T> {
  if (!file) return initial;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return initial;
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
