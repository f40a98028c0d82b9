import type { Readable } from 'node:stream';
import pg from 'pg';
import QueryStream from 'pg-query-stream';
import type { Logger } from '../logger';

/** What runs a statement: the pool (Db) or a transaction (Tx). Store functions take it, so they work in either. */
export type Queryable = Pick<Db, 'query'> | Tx;

type Runner = Pick<pg.PoolClient, 'query'>;

export interface Db {
  /** Runs one parameterised statement and returns its typed rows. */
  query<T extends pg.QueryResultRow>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<T[]>;
  /** Runs `fn` inside BEGIN/COMMIT; any throw rolls the whole unit back. */
  withTransaction<T>(fn: (tx: Tx) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** Whether the database answers now (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly pool: pg.Pool;
}

export interface TransactionOptions {
  /** One consistent snapshot for every statement, and no writes (a report or an export read page by page). */
  snapshot?: boolean;
  /**
   * Commit without waiting for the WAL flush. Only for writes that are safe to lose in a database crash,
   * because whatever lost them does them again (a page walk whose cursor is committed with its page).
   */
  asyncCommit?: boolean;
}

export interface QueryOptions {
  /**
   * Prepares the statement under this name on each connection the first time it runs there, and only binds it
   * afterwards: for a statement sent many times in a row (a page walk's writes), whose parsing and planning
   * would otherwise be paid on every call. One name, one text.
   */
  prepareAs?: string;
}

export interface Tx {
  query<T extends pg.QueryResultRow>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<T[]>;
  /**
   * The rows of one statement as a stream, read from a server-side cursor `batchSize` rows at a time: memory
   * stays bounded however many rows there are. Consume it before the transaction ends.
   */
  stream(text: string, params: readonly unknown[], batchSize: number): Readable;
}

// Timestamps stay Date; int8 counts come back as numbers (they never exceed 2^53 here).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createDb(connectionString: string, logger: Logger, max = 10): Db {
  const pool = new pg.Pool({ connectionString, max });
  // An idle client dies when PostgreSQL restarts or shuts down; the pool replaces it on next use.
  pool.on('error', (err) => logger.warn({ error: err.message }, 'idle database connection closed'));

  // SQL text and duration are logged; parameters never are (they may hold secrets).
  async function timed<T extends pg.QueryResultRow>(
    runner: Runner,
    text: string,
    params?: readonly unknown[],
    opts?: QueryOptions,
  ): Promise<T[]> {
    const started = performance.now();
    try {
      const result = await runner.query<T>({ text, values: params as unknown[] | undefined, name: opts?.prepareAs });
      return result.rows;
    } finally {
      logger.debug({ sql: text.replace(/\s+/g, ' ').trim(), ms: Math.round(performance.now() - started) }, 'sql');
    }
  }

  return {
    pool,
    query: (text, params, opts) => timed(pool, text, params, opts),
    async withTransaction(fn, opts = {}) {
      const client = await pool.connect();
      try {
        await client.query(opts.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
        if (opts.asyncCommit) await client.query('SET LOCAL synchronous_commit TO OFF');
        const result = await fn({
          query: (text, params, opts) => timed(client, text, params, opts),
          stream: (text, params, batchSize) => {
            logger.debug({ sql: text.replace(/\s+/g, ' ').trim() }, 'sql stream');
            return client.query(new QueryStream(text, params as unknown[], { batchSize, highWaterMark: batchSize }));
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
