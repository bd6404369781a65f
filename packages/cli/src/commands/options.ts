import { InvalidArgumentError } from 'commander';

export const DEFAULT_CENTRAL_URL = 'http://localhost:8700';

export function integerOption(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError(`${name} takes a whole number, got "${value}"`);
    return parsed;
  };
}
