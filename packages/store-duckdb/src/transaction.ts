import type { DuckDBConnection } from '@duckdb/node-api';

/** Runs `work` between BEGIN and COMMIT on the connection; any failure rolls it back and is thrown. */
export async function inTransaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await connection.run('BEGIN');
  try {
    const result = await work();
    await connection.run('COMMIT');
    return result;
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => {});
    throw error;
  }
}
