export type SqlParam = string | bigint | number | boolean | string[] | bigint[];

/** Numbered parameters ($1, $2, …) with their types: SQL text never holds a user's value. */
export class SqlParams {
  readonly values: SqlParam[] = [];

  add(value: SqlParam, type: 'VARCHAR' | 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR[]' | 'BIGINT[]'): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}
