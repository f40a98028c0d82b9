// Migrations are append-only: the migrator refuses to start when a migration it applied has changed since.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../src/db/pool';
import { migrate, MigrationChangedError } from '../../src/db/migrate';
import { ensureDatabase } from '../../src/db/embedded';
import { createLogger } from '../../src/logger';

const SOURCE = path.join(__dirname, '..', '..', 'src', 'db', 'migrations');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-migrations-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the migrator', () => {
  it('applies what is new, and refuses a migration edited after it was applied', async () => {
    for (const f of fs.readdirSync(SOURCE)) fs.copyFileSync(path.join(SOURCE, f), path.join(dir, f));
    const name = `migrations_${Math.random().toString(36).slice(2, 8)}`;
    const admin = inject('postgresAdminUrl');
    await ensureDatabase(admin, name);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const db = createDb(url.toString(), createLogger('warn', 'test-migrations'), 1);
    try {
      const first = await migrate(db, dir);
      expect(first).toEqual(fs.readdirSync(SOURCE).filter((f) => f.endsWith('.sql')).sort());
      expect(await migrate(db, dir)).toEqual([]);

      // Appending is how the schema moves on.
      fs.writeFileSync(path.join(dir, '999_appended.sql'), 'CREATE TABLE appended (id int);\n');
      expect(await migrate(db, dir)).toEqual(['999_appended.sql']);

      // Editing a landed one is refused, and nothing runs.
      const landed = path.join(dir, '003_licence_position.sql');
      fs.writeFileSync(landed, fs.readFileSync(landed, 'utf8').replace('numeric(10, 5)', 'numeric(12, 8)'));
      fs.writeFileSync(path.join(dir, '9991_later.sql'), 'CREATE TABLE later (id int);\n');
      const refused = await migrate(db, dir).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(MigrationChangedError);
      expect((refused as Error).message).toMatch(/003_licence_position\.sql was changed after this database applied it/);
      expect(await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'later'")).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('003 is back to what landed, and 007 carries the change that was once made to it in place', () => {
    // 003 was once edited in place; it is restored, and 007 carries the change.
    expect(fs.readFileSync(path.join(SOURCE, '003_licence_position.sql'), 'utf8')).toContain('days_before_auto_reclaim numeric(10, 5)');
    expect(fs.readFileSync(path.join(SOURCE, '007_days_before_auto_reclaim_precision.sql'), 'utf8')).toContain('numeric(12, 8)');
  });
});
