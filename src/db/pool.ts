import pg from 'pg';
import type { Logger } from '../logger';

export type Queryable = Pick<pg.PoolClient, 'query'>;

export interface Db {
  /** Runs one parameterised statement and returns its typed rows. */
  query<T extends pg.QueryResultRow>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs `fn` inside BEGIN/COMMIT; any throw rolls the whole unit back. */
  withTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly pool: pg.Pool;
}

export interface Tx {
  query<T extends pg.QueryResultRow>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

// Timestamps stay Date; int8 counts come back as numbers (they never exceed 2^53 here).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createDb(connectionString: string, logger: Logger, max = 10): Db {
  const pool = new pg.Pool({ connectionString, max });
  // An idle client dies when PostgreSQL restarts or shuts down; the pool replaces it on next use.
  pool.on('error', (err) => logger.warn({ error: err.message }, 'idle database connection closed'));

  // SQL text and duration are logged; parameters never are (they may hold secrets).
  async function timed<T extends pg.QueryResultRow>(
    runner: Queryable,
    text: string,
    params?: readonly unknown[],
  ): Promise<T[]> {
    const started = performance.now();
    try {
      const result = await runner.query<T>(text, params as unknown[] | undefined);
      return result.rows;
    } finally {
      logger.debug({ sql: text.replace(/\s+/g, ' ').trim(), ms: Math.round(performance.now() - started) }, 'sql');
    }
  }

  return {
    pool,
    query: (text, params) => timed(pool, text, params),
    async withTransaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (text, params) => timed(client, text, params) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
