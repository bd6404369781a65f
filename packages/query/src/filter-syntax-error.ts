/** A filter expression that does not parse or does not make sense; `column` is 1-based. */
export class FilterSyntaxError extends Error {
  constructor(
    readonly detail: string,
    readonly column: number,
  ) {
    super(`column ${column}: ${detail}`);
    this.name = 'FilterSyntaxError';
  }
}
