// `npm run tokens -- create --name ops --role viewer [--profile <id> ...]`, `npm run tokens -- list`,
// `npm run tokens -- revoke <id>`: the tokens of POST/GET/DELETE /api/tokens, from a shell. It uses
// DATABASE_URL, or the embedded PostgreSQL of a running `npm start` in DATA_DIR.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createDb } from '../db/pool';
import { runningLocalDatabaseUrl } from '../db/localDatabase';
import { createApiToken } from './tokens';
import { listApiTokens, revokeApiToken, ROLES, type Role } from '../store/tokens';
import { RuleViolation } from '../errors';

const USAGE = `usage:
  npm run tokens -- create --name <name> --role ${ROLES.join('|')} [--profile <profile id>]...
  npm run tokens -- list
  npm run tokens -- revoke <token id>`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, role: { type: 'string' }, profile: { type: 'string', multiple: true } },
  });
  const [command, arg] = positionals;
  const config = loadConfig(process.env);
  const url = config.databaseUrl ?? runningLocalDatabaseUrl(config.dataDir, config.embeddedPostgresPort);
  if (!url) throw new Error('Set DATABASE_URL (or run this next to a running `npm start`, which keeps its database in DATA_DIR).');
  const db = createDb(url, createLogger('warn', 'tokens', undefined, config.logFormat), 1);
  try {
    if (command === 'create') {
      if (!values.name || !values.role || !(ROLES as readonly string[]).includes(values.role)) throw new Error(USAGE);
      const { row, token } = await createApiToken(db, { name: values.name, role: values.role as Role, profileIds: values.profile ?? null }, 'cli');
      console.log(`Created token "${row.name}" (${row.role}${row.profile_ids ? `, profiles ${row.profile_ids.join(', ')}` : ''}), id ${row.id}.`);
      console.log('Its secret is shown this once; store it now:');
      console.log(token);
    } else if (command === 'list') {
      const { rows } = await listApiTokens(db, { limit: 500, offset: 0 });
      for (const r of rows) {
        console.log([r.id, r.name, r.role, r.profile_ids?.join(',') ?? 'all profiles', r.revoked_at ? `revoked ${r.revoked_at.toISOString()}` : 'live'].join('\t'));
      }
    } else if (command === 'revoke' && arg && /^[0-9a-f-]{36}$/i.test(arg)) {
      const before = await revokeApiToken(db, arg);
      if (!before) throw new Error(`No token ${arg}.`);
      console.log(`Revoked token "${before.name}" (${before.id}).`);
    } else {
      throw new Error(USAGE);
    }
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof RuleViolation || err instanceof Error ? err.message : err);
  process.exit(1);
});
