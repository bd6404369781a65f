export type SqlParam = string | bigint | number | boolean | string[] | bigint[];

/** Numbered parameters ($1, $2, …) with their types: SQL text never holds a user's value. */
export class SqlParams {
  readonly values: SqlParam[] = [];

  add(value: SqlParam, type: 'VARCHAR' | 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR[]' | 'BIGINT[]'): string {
    // The driver binds a whole JS number as an integer, and 1e308 overflows it: doubles travel as
    // their shortest exact text (String), which DuckDB reads back to the same double.
    if (type === 'DOUBLE') {
      this.values.push(String(value));
      return `$${this.values.length}::VARCHAR::DOUBLE`;
    }
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}
