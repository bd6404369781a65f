import { InvalidArgumentError } from 'commander';

export const DEFAULT_CENTRAL_URL = 'http://localhost:8700';

export function integerOption(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError(`${name} takes a whole number, got "${value}"`);
    return parsed;
  };
}

/** `--json`: the API's answer as it came, for scripts. */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** The API's answer with `--json`, otherwise the text for a terminal. */
export function printResult(json: boolean | undefined, value: unknown, text: () => string): void {
  if (json) printJson(value);
  else console.log(text());
}

/** A repeatable option's values, in the order given. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
