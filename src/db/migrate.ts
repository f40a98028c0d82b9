import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from './pool';

const migrationsDir = path.join(__dirname, 'migrations');
// Any constant works; it only keeps two processes from migrating at once.
const MIGRATION_LOCK = 727_100;

export class MigrationChangedError extends Error {}

const checksumOf = (sql: string) => crypto.createHash('sha256').update(sql).digest('hex');

/**
 * Applies the numbered SQL files that have not run yet, each in its own transaction, and records each with the
 * checksum of its text. Migrations are append-only: a recorded migration whose file has changed since stops the
 * start (a database that applied the old text would silently differ from one that applies the new).
 */
export async function migrate(db: Db, dir = migrationsDir): Promise<string[]> {
  const files = (await fs.readdir(dir)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  const client = await db.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    await client.query('ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text');
    const recorded = new Map((await client.query<{ name: string; checksum: string | null }>('SELECT name, checksum FROM schema_migrations')).rows.map((r) => [r.name, r.checksum]));
    for (const file of files) {
      const sql = await fs.readFile(path.join(dir, file), 'utf8');
      const checksum = checksumOf(sql);
      if (recorded.has(file)) {
        const before = recorded.get(file);
        // Recorded before checksums were kept: the file as it is now becomes the reference.
        if (before === null || before === undefined) await client.query('UPDATE schema_migrations SET checksum = $2 WHERE name = $1', [file, checksum]);
        else if (before !== checksum) {
          throw new MigrationChangedError(
            `Migration ${file} was changed after this database applied it (recorded checksum ${before.slice(0, 12)}, the file's is now ${checksum.slice(0, 12)}). ` +
              'Migrations are append-only: restore the file as it was and put the change in a new migration.',
          );
        }
        continue;
      }
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [file, checksum]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}
