// copy: the time our download spends writing subscription rows vs a raw PostgreSQL COPY of the same
// rows into a table of the same shape (columns, defaults, checks, indexes and foreign keys), measured in
// the same run against the same server.
//
// A. Pages written directly with writeMembershipPage (what the download activity calls per page: the rows
//    and the job's progress in one statement), in a loop of 100-row pages: first as inserts (a new
//    profile), then again as updates (a second download).
// B. A first and a second full download run through the API and Temporal, their SQL timed statement by
//    statement in the worker, vs a COPY of the rows they wrote; once with Asana answering at once, once (a new
//    profile) with Asana answering in 20 ms.
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../src/db/pool';
import type { WorkspaceMembership } from '../src/asana/types';
import { writeMembershipPage, type WalkPosition } from '../src/store/subscriptions';
import { startJobResult } from '../src/store/jobs';
import { identifierFor } from '../src/runs/identifiers';
import type { BenchEnv } from './support/env';
import { startStack } from './support/stack';
import { sqlTime, type SqlTiming } from './support/protocol';
import { fmt, int, median, printSection, progress, table, type BenchResult } from './support/report';
import { scenarioFor } from './memory';

const ROWS = 40_000;
const PAGE = 100;
const ROUNDS = 3;
const RUN_PEOPLE = 20_000;
/** Asana's answer time in the paced runs of B (real Asana takes longer). */
const PACED_LATENCY_MS = 20;
const SMALL_FACTOR = 3;
/** Issue goal for the download's page writes as committed: near a COPY. */
const PAGE_WRITES_GOAL = 2;
const SCRATCH = 'bench_copy_scratch';

/** The columns a download writes, in the order the COPY sends them. */
const COLUMNS = [
  'profile_id',
  'user_gid',
  'membership_gid',
  'name',
  'email',
  'identifier',
  'is_admin',
  'account_created_at',
  'status',
  'first_seen_at',
  'last_seen_at',
  'last_seen_job',
  'model_id',
] as const;

type CopyRow = (string | boolean | null)[];

export async function runCopy(env: BenchEnv): Promise<BenchResult> {
  const command = 'npm run bench -- copy';
  progress(`copy: ${int(ROWS)} generated rows, ${ROUNDS} rounds`);
  const direct = await directPages(env);
  progress(`copy: full download runs of ${int(RUN_PEOPLE)} people, with Asana answering in 0 and ${PACED_LATENCY_MS} ms`);
  const { runs, copyMs } = await fullRuns(env);
  const [first, second, firstPaced] = runs as [RunWrites, RunWrites, RunWrites, RunWrites];
  const insertRatio = median(direct.rounds.map((r) => r.insertMs / r.copyMs));
  const updateRatio = median(direct.rounds.map((r) => r.updateMs / r.copyMs));
  const m = (pick: (r: (typeof direct.rounds)[number]) => number) => median(direct.rounds.map(pick));
  const rowsPerS = (ms: number) => int((ROWS / ms) * 1000);

  const body = [
    `A. ${int(ROWS)} generated memberships in pages of ${PAGE}, median of ${ROUNDS} rounds (PostgreSQL: ${direct.settings}):`,
    table(
      ['write', 'ms', 'rows/s', '÷ COPY'],
      [
        ['raw COPY, one statement', fmt(m((r) => r.copyMs), 0), rowsPerS(m((r) => r.copyMs)), '1.00'],
        ['raw COPY, one statement per page', fmt(m((r) => r.copyPerPageMs), 0), rowsPerS(m((r) => r.copyPerPageMs)), fmt(m((r) => r.copyPerPageMs / r.copyMs), 2)],
        ['writeMembershipPage, new rows', fmt(m((r) => r.insertMs), 0), rowsPerS(m((r) => r.insertMs)), fmt(insertRatio, 2)],
        ['writeMembershipPage, existing rows', fmt(m((r) => r.updateMs), 0), rowsPerS(m((r) => r.updateMs)), fmt(updateRatio, 2)],
        ['before: a transaction of five round trips per page, new rows', fmt(m((r) => r.previousMs), 0), rowsPerS(m((r) => r.previousMs)), fmt(m((r) => r.previousMs / r.copyMs), 2)],
      ],
    ),
    `B. Full download runs (${int(first.members)} members, ${int(first.pages)} pages), SQL timed in the worker, vs a raw COPY of the ${int(first.members)} rows written ` +
      `(one statement, timed right after each run; median ${fmt(copyMs, 0)} ms). Page writes: each page's statement (rows + job progress) and the transactions that make sure of new models:`,
    table(
      ['run', 'wall s', 'COPY ms', 'page writes', 'ms', '÷ COPY', 'finishDownload ms', 'every write: statements', 'ms', '÷ COPY'],
      runs.map((r) => [
        r.label,
        fmt(r.wallMs / 1000),
        fmt(r.copyMs, 0),
        int(r.pageWrites.count),
        fmt(r.pageWrites.ms, 0),
        fmt(r.pageWrites.ms / r.copyMs, 2),
        fmt(r.finish.ms, 0),
        int(r.writes.count),
        fmt(r.writes.ms, 0),
        fmt(r.writes.ms / r.copyMs, 2),
      ]),
    ),
    'Statements of the first run by time (indented: inside a transaction):',
    table(
      ['statement', 'count', 'ms'],
      Object.entries(first.sql)
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, 9)
        .map(([k, t]) => [k.slice(0, 66), int(t.count), fmt(t.ms, 0)]),
    ),
    'The scratch table is CREATE TABLE ... (LIKE subscriptions INCLUDING ALL) plus the same foreign keys; COPY times include formatting the rows as COPY text.',
  ];
  printSection('copy: subscription writes vs a raw PostgreSQL COPY of the same rows', command, body);
  const target = `≤ ${SMALL_FACTOR} (small factor)`;
  const verdict = (name: string, value: number) => ({ name: `copy: ${name}`, value, target, met: value <= SMALL_FACTOR });
  const pageWritesVerdict = (name: string, value: number) => ({ name: `copy: ${name}`, value, target: `≤ ${PAGE_WRITES_GOAL} (near COPY)`, met: value <= PAGE_WRITES_GOAL });
  return {
    name: 'copy',
    command,
    verdicts: [
      verdict('writeMembershipPage, new rows ÷ COPY', insertRatio),
      verdict('writeMembershipPage, existing rows ÷ COPY', updateRatio),
      pageWritesVerdict(`1st download run, Asana answering in ${PACED_LATENCY_MS} ms, page writes ÷ COPY`, firstPaced.pageWrites.ms / firstPaced.copyMs),
      pageWritesVerdict('1st download run, Asana answering at once, page writes ÷ COPY', first.pageWrites.ms / first.copyMs),
      verdict('1st download run, all writes ÷ COPY', first.writes.ms / first.copyMs),
      verdict('2nd download run, all writes ÷ COPY', second.writes.ms / second.copyMs),
    ],
    data: { direct, copyMs, runs: runs.map((r) => ({ ...r, sql: undefined })) },
  };
}

interface Round {
  copyMs: number;
  copyPerPageMs: number;
  insertMs: number;
  updateMs: number;
  previousMs: number;
}

async function directPages(env: BenchEnv): Promise<{ settings: string; rounds: Round[] }> {
  const db = await env.createDatabase();
  await createScratch(db);
  const settings = await serverSettings(db);
  const pages = generatePages(ROWS);
  const rounds: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const r: Partial<Round> = {};
    const copyRows = async () => {
      const rows = pages.map((page) => rowsOf(page, profileA, jobA));
      await db.query(`TRUNCATE ${SCRATCH}`);
      r.copyMs = await timed(() => copy(db, rows));
      await db.query(`TRUNCATE ${SCRATCH}`);
      r.copyPerPageMs = await timed(async () => {
        for (const page of rows) await copy(db, [page]);
      });
    };
    const profileA = await newProfile(db);
    const jobA = await newJob(db, profileA);
    // Alternate which goes first, so drift over the run does not favour one side.
    if (round % 2 === 1) await copyRows();
    r.insertMs = await timed(() => walk(db, profileA, jobA, pages));
    const jobB = await newJob(db, profileA);
    r.updateMs = await timed(() => walk(db, profileA, jobB, pages));
    if (round % 2 === 0) await copyRows();
    const profileB = await newProfile(db);
    const jobC = await newJob(db, profileB);
    r.previousMs = await timed(() => previousWalk(db, profileB, jobC, pages));
    rounds.push(r as Round);
    // Start every round from the same table size.
    await db.query('DELETE FROM subscriptions');
    await db.query(`TRUNCATE ${SCRATCH}`);
    await db.query('VACUUM ANALYZE subscriptions');
    progress(
      `  round ${round + 1}: COPY ${fmt(r.copyMs!, 0)} ms, per page ${fmt(r.copyPerPageMs!, 0)} ms, upsert new ${fmt(r.insertMs, 0)} ms, existing ${fmt(r.updateMs, 0)} ms, before ${fmt(r.previousMs, 0)} ms`,
    );
  }
  return { settings, rounds };
}

interface RunWrites {
  /** A raw COPY of the first run's rows, timed right after this run. */
  copyMs: number;
  label: string;
  latencyMs: number;
  members: number;
  pages: number;
  wallMs: number;
  /** Each page's writes as committed: the upsert and the job's progress (one transaction or separate statements). */
  pageWrites: SqlTiming;
  /** The upsert statements alone (inside or outside a transaction). */
  upsert: SqlTiming;
  finish: SqlTiming;
  writes: SqlTiming;
  sql: Record<string, SqlTiming>;
}

/** A first and a second download of the same organization, their SQL timed in the worker, and COPYs of the rows written. */
async function fullRuns(env: BenchEnv): Promise<{ runs: RunWrites[]; copyMs: number; profileId: string }> {
  const stack = await startStack(env, { scenario: scenarioFor(RUN_PEOPLE) });
  try {
    const worker = await stack.startWorker();
    const runs: RunWrites[] = [];
    let profileId = '';
    let rows: CopyRow[][] | undefined;
    // A first and a second download with Asana answering at once, then the same on a new profile with Asana
    // answering in PACED_LATENCY_MS: the walk fetches the next page while it writes one, and with no latency
    // that fetch (the simulator and the worker parsing the page) competes with PostgreSQL for the two cores,
    // which the write's time then includes; with a little latency it sleeps instead.
    for (const latencyMs of [0, PACED_LATENCY_MS]) {
      const id = await stack.readyProfile({ unpaced: true });
      profileId ||= id;
      await stack.simControl('POST', '/_sim/faults', { latencyMs });
      for (let i = 0; i < 2; i++) {
        await worker.baseline();
        const run = await stack.runJob(id, 'download');
        const { sql } = await worker.report();
        // The reference COPY right after each run, so a change in the machine's load moves both sides alike.
        if (!rows) {
          rows = await writtenRows(stack.db, id);
          await createScratch(stack.db);
        }
        await stack.db.query(`TRUNCATE ${SCRATCH}`);
        const copyMs = await timed(() => copy(stack.db, rows!));
        runs.push({
          copyMs,
          label: `${i === 0 ? '1st' : '2nd'} download, Asana answering in ${latencyMs} ms`,
          latencyMs,
          members: run.counts.members ?? 0,
          pages: run.counts.pages ?? 0,
          wallMs: run.wallMs,
          // Each page's statement (its rows and the walk's progress), and the transactions that make sure of new models.
          pageWrites: sqlTime(sql, /^(WITH page AS|tx: WITH catalogue AS)/),
          upsert: sqlTime(sql, /^WITH page AS/),
          finish: sqlTime(sql, /^tx: .*UPDATE subscriptions SET status = 'ended'/),
          writes: sqlTime(sql, /^(tx: |INSERT|UPDATE|DELETE|WITH)/),
          sql,
        });
      }
    }
    await stack.simControl('DELETE', '/_sim/faults');
    await worker.stop();

    return { runs, copyMs: median(runs.map((r) => r.copyMs)), profileId };
  } finally {
    await stack.close();
  }
}

/** The rows as the page statements wrote them (model_id is linked afterwards, by finishDownload), in pages. */
async function writtenRows(db: Db, profileId: string): Promise<CopyRow[][]> {
  const written = await db.query<Record<string, unknown>>(
    `SELECT profile_id, user_gid, membership_gid, name, email, identifier, is_admin, account_created_at, status,
            first_seen_at, last_seen_at, last_seen_job FROM subscriptions WHERE profile_id = $1 ORDER BY user_gid`,
    [profileId],
  );
  const rows: CopyRow[][] = [];
  for (let i = 0; i < written.length; i += PAGE) {
    rows.push(
      written.slice(i, i + PAGE).map((w) => [
        w.profile_id as string,
        w.user_gid as string,
        w.membership_gid as string | null,
        w.name as string | null,
        w.email as string | null,
        w.identifier as string,
        w.is_admin as boolean,
        iso(w.account_created_at),
        w.status as string,
        iso(w.first_seen_at),
        iso(w.last_seen_at),
        w.last_seen_job as string,
        null,
      ]),
    );
  }
  return rows;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** A scratch table shaped like subscriptions: columns, defaults, checks, indexes, and the same foreign keys. */
async function createScratch(db: Db): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS ${SCRATCH}`);
  await db.query(`CREATE TABLE ${SCRATCH} (LIKE subscriptions INCLUDING ALL)`);
  const fks = await db.query<{ def: string }>(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'subscriptions'::regclass AND contype = 'f'`,
  );
  for (const fk of fks) await db.query(`ALTER TABLE ${SCRATCH} ADD ${fk.def}`);
}

async function serverSettings(db: Db): Promise<string> {
  const rows = await db.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'wal_level') ORDER BY name`,
  );
  return rows.map((r) => `${r.name}=${r.setting}`).join(', ');
}

/** Every page written as the download activity writes it, with one set of ensured identifiers per walk. */
async function walk(db: Db, profileId: string, jobId: string, pages: WorkspaceMembership[][]): Promise<void> {
  const ensured = new Set<string>();
  let at: WalkPosition = { offset: null, pages: 0, members: 0 };
  for (const [i, page] of pages.entries()) {
    at = await writeMembershipPage(db, { profileId, jobId, page, nextOffset: i + 1 < pages.length ? `page-${i + 1}` : null, before: at, claim: 0, ensured });
  }
}

/**
 * The writes as they were before a page became one statement (kept here to measure what that bought): per
 * page a transaction of five round trips, BEGIN, SET LOCAL synchronous_commit, the upsert from seven arrays,
 * the job's progress, COMMIT. Models are made sure of first, in a transaction of their own, as now.
 */
async function previousWalk(db: Db, profileId: string, jobId: string, pages: WorkspaceMembership[][]): Promise<void> {
  // The first page makes sure of every model (the generated identifiers all appear in it).
  await writeMembershipPage(db, { profileId, jobId, page: pages[0]!, nextOffset: null, before: { offset: null, pages: 0, members: 0 }, claim: 0, ensured: new Set() });
  let at: WalkPosition = { offset: null, pages: 0, members: 0 };
  for (const [i, page] of pages.entries()) {
    const rows = page.filter((m) => m.user?.gid && m.is_active !== false);
    at = { offset: i + 1 < pages.length ? `page-${i + 1}` : null, pages: at.pages + 1, members: at.members + rows.length };
    const next = at;
    await db.withTransaction(
      async (tx) => {
        await tx.query(PREVIOUS_UPSERT, [
          profileId,
          jobId,
          rows.map((m) => m.user.gid),
          rows.map((m) => m.gid ?? null),
          rows.map((m) => m.user.name ?? null),
          rows.map((m) => m.user.email ?? null),
          rows.map((m) => identifierFor(m)),
          rows.map((m) => Boolean(m.is_admin)),
          rows.map((m) => m.created_at ?? null),
        ]);
        await tx.query(PREVIOUS_PROGRESS, [jobId, next.pages, next.members, JSON.stringify(next)]);
      },
      { asyncCommit: true },
    );
  }
}

const PREVIOUS_UPSERT = `INSERT INTO subscriptions AS s (profile_id, user_gid, membership_gid, name, email, identifier, is_admin, account_created_at,
                                     status, first_seen_at, last_seen_at, last_seen_job, model_id)
     SELECT $1, u.gid, u.membership_gid, u.name, u.email, u.identifier, u.is_admin, u.created_at, 'active', now(), now(), $2, m.model_id
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::timestamptz[])
            AS u(gid, membership_gid, name, email, identifier, is_admin, created_at)
       LEFT JOIN identifier_mappings m ON m.profile_id = $1 AND m.identifier = u.identifier
     ON CONFLICT (profile_id, user_gid) DO UPDATE SET
       membership_gid = EXCLUDED.membership_gid, name = EXCLUDED.name, email = EXCLUDED.email,
       identifier = EXCLUDED.identifier, is_admin = EXCLUDED.is_admin, account_created_at = EXCLUDED.account_created_at,
       model_id = EXCLUDED.model_id, status = 'active', ended_at = NULL, last_seen_at = now(), last_seen_job = EXCLUDED.last_seen_job`;

const PREVIOUS_PROGRESS = `UPDATE job_results SET progress = $4, counts = counts || jsonb_build_object('pages', $2::int, 'members', $3::int,
            'pageFetches', COALESCE((counts->>'pageFetches')::int, 0) + 1) WHERE id = $1`;

async function newJob(db: Db, profileId: string): Promise<string> {
  const id = crypto.randomUUID();
  return startJobResult(db, { id, profileId, kind: 'download', trigger: 'on_demand', workflowId: `bench-copy-${id}`, runId: id });
}

async function newProfile(db: Db): Promise<string> {
  const id = crypto.randomUUID();
  await db.query(`INSERT INTO profiles (id, display_name, options) VALUES ($1, 'bench copy', '{}'::jsonb)`, [id]);
  return id;
}

/** Pages of memberships shaped like Asana's (the fields the download asks for). */
function generatePages(total: number): WorkspaceMembership[][] {
  const pages: WorkspaceMembership[][] = [];
  const base = 1_200_000_000_000_000;
  const created = Date.parse('2024-01-01T00:00:00Z');
  for (let i = 0; i < total; i += PAGE) {
    const page: WorkspaceMembership[] = [];
    for (let j = i; j < Math.min(total, i + PAGE); j++) {
      page.push({
        gid: String(base + 2 * j + 1),
        user: { gid: String(base + 2 * j), name: `Person Number${j}`, email: `person.number${j}@example.com` },
        is_active: true,
        is_admin: j % 500 === 0,
        is_guest: j % 10 === 3,
        is_view_only: j % 20 === 7,
        created_at: new Date(created + j * 60_000).toISOString(),
      });
    }
    pages.push(page);
  }
  return pages;
}

/** The row writeMembershipPage writes for each membership of a page. */
function rowsOf(page: WorkspaceMembership[], profileId: string, jobId: string): CopyRow[] {
  const now = new Date().toISOString();
  return page.map((m) => [profileId, m.user.gid, m.gid, m.user.name, m.user.email, identifierFor(m), m.is_admin, m.created_at, 'active', now, now, jobId, null]);
}

function iso(v: unknown): string | null {
  return v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v);
}

function copyText(v: string | boolean | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** One COPY ... FROM STDIN of every row, formatted a page at a time. */
async function copy(db: Db, pages: CopyRow[][]): Promise<void> {
  const client = await db.pool.connect();
  try {
    const sink = client.query(copyFrom(`COPY ${SCRATCH} (${COLUMNS.join(', ')}) FROM STDIN`));
    const source = Readable.from(
      (function* () {
        for (const page of pages) yield page.map((row) => row.map(copyText).join('\t')).join('\n') + '\n';
      })(),
    );
    await pipeline(source, sink);
  } finally {
    client.release();
  }
}
