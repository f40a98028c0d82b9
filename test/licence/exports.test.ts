import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile, runJob } from '../support/runs';
import { expectProblem } from '../lists/problems';
import { allItems, expectedCell, getCsv, parseCsv } from './support';

const DAY = 86_400_000;
// Over 5,000 subscriptions: the export crosses its cursor batches (2,000 rows each) several times. Few projects and
// stories, because the story walk is paced at Asana's 1,500 requests a minute like any real token.
const scenario = { seed: 5, members: 5050, guests: 40, viewOnly: 20, admins: 3, inactiveShare: 0.3, eventsPerUserPerDay: 0.05, days: 60, projects: 30, storiesPerUserPerDay: 0.1 };
// Old accounts without any activity: each becomes a removal candidate too.
const TRICKY = [
  { name: 'Doe, "Jane"', email: 'jane.doe@example.com' },
  { name: '=HYPERLINK("http://evil.example","click")', email: 'formula@example.com' },
  { name: '+1 Plus', email: 'plus@example.com' },
  { name: '-Minus', email: 'minus@example.com' },
  { name: '@At Sign', email: 'at@example.com' },
  { name: 'Line\nBreak', email: 'line.break@example.com' },
];

let h: Harness;
let base: string;
beforeAll(async () => {
  h = await startHarness({ scenario });
  for (const user of TRICKY) await h.simControl('POST', '/_sim/users', { ...user, createdAt: new Date(Date.now() - 200 * DAY).toISOString() });
  const profileId = await readyProfile(h, { reclaimSubscriptions: false });
  base = `/api/profiles/${profileId}`;
  for (const job of ['download', 'activity'] as const) {
    const run = await runJob(h, profileId, job);
    expect(run.ok, String((run as { error?: unknown }).error)).toBe(true);
  }
}, 180_000);
afterAll(async () => h?.close());

/** The CSV at `csvPath` holds exactly the JSON list's items, in its order, with its field names. */
async function expectSameRows(csvPath: string, jsonPath: string) {
  const res = await getCsv(h, csvPath);
  expect(res.status, res.text).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[a-z-]+-[0-9a-f-]{36}-\d{4}-\d{2}-\d{2}\.csv"$/);
  const [header, ...rows] = parseCsv(res.text);
  const items = await allItems(h, jsonPath);
  expect(items.length, `${jsonPath} lists nothing to compare`).toBeGreaterThan(0);
  expect(header).toEqual(Object.keys(items[0]!));
  expect(rows).toEqual(items.map((item) => header!.map((k) => expectedCell(item[k]))));
  return { text: res.text, header: header!, rows, items };
}

describe('CSV exports', () => {
  it('subscriptions.csv holds every subscription as the JSON list shows it, quoted per RFC 4180 and with formulas defused', async () => {
    const { text, header, rows, items } = await expectSameRows(`${base}/subscriptions.csv`, `${base}/subscriptions`);
    expect(rows.length).toBeGreaterThan(5000);
    expect(items.length).toBe(rows.length);
    const name = header.indexOf('name');
    const byEmail = new Map(rows.map((r) => [r[header.indexOf('email')], r]));
    expect(byEmail.get('jane.doe@example.com')![name]).toBe('Doe, "Jane"');
    expect(byEmail.get('line.break@example.com')![name]).toBe('Line\nBreak');
    expect(byEmail.get('formula@example.com')![name]).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(byEmail.get('plus@example.com')![name]).toBe("'+1 Plus");
    expect(byEmail.get('minus@example.com')![name]).toBe("'-Minus");
    expect(byEmail.get('at@example.com')![name]).toBe("'@At Sign");
    // The raw text: quotes doubled inside a quoted field, CRLF line ends.
    expect(text).toContain(',"Doe, ""Jane""",');
    expect(text).toContain(`,"'=HYPERLINK(""http://evil.example"",""click"")",`);
    expect(text.startsWith('userGid,name,email,identifier,modelId,model,isAdmin,accountCreatedAt,status,firstSeenAt,lastSeenAt,endedAt,lastActivityAt\r\n')).toBe(true);
  });

  it('subscriptions.csv takes the JSON list filters', async () => {
    const models = await allItems<{ id: string; edition: string }>(h, `${base}/software-models`);
    const guest = models.find((m) => m.edition === 'Guest')!.id;
    const { rows } = await expectSameRows(`${base}/subscriptions.csv?status=active&modelId=${guest}`, `${base}/subscriptions?status=active&modelId=${guest}`);
    expect(rows.length).toBe(40);
    expect((await expectSameRows(`${base}/subscriptions.csv?identifier=view_only`, `${base}/subscriptions?identifier=view_only`)).rows).toHaveLength(20);
    const since = new Date(Date.now() - 30 * DAY).toISOString();
    await expectSameRows(`${base}/subscriptions.csv?inactiveSince=${since}`, `${base}/subscriptions?inactiveSince=${since}`);
    const one = await expectSameRows(`${base}/subscriptions.csv?email=JANE.DOE@example.com`, `${base}/subscriptions?email=JANE.DOE@example.com`);
    expect(one.rows).toHaveLength(1);
    // Nothing matches: the header alone.
    const none = await getCsv(h, `${base}/subscriptions.csv?userGid=1`);
    expect(none.text).toBe('userGid,name,email,identifier,modelId,model,isAdmin,accountCreatedAt,status,firstSeenAt,lastSeenAt,endedAt,lastActivityAt\r\n');
  });

  it('removal-candidates.csv holds every candidate as the JSON list shows it, filters included', async () => {
    const { header, rows } = await expectSameRows(`${base}/removal-candidates.csv`, `${base}/removal-candidates`);
    expect(rows.length).toBeGreaterThan(100);
    const names = rows.map((r) => r[header.indexOf('name')]);
    for (const expected of ['Doe, "Jane"', `'=HYPERLINK("http://evil.example","click")`, "'-Minus", 'Line\nBreak']) expect(names).toContain(expected);
    await expectSameRows(`${base}/removal-candidates.csv?state=ready,closed_complete`, `${base}/removal-candidates?state=ready,closed_complete`);
    const someone = rows[0]![header.indexOf('userGid')];
    const single = await expectSameRows(`${base}/removal-candidates.csv?userGid=${someone}`, `${base}/removal-candidates?userGid=${someone}`);
    expect(single.rows).toHaveLength(1);
  });

  it('refuses bad filters and unknown profiles with a problem, as the JSON lists do', async () => {
    expectProblem(await getCsv(h, `${base}/subscriptions.csv?status=gone`), 400, /status/);
    expectProblem(await getCsv(h, `${base}/subscriptions.csv?limit=10`), 400, /limit: is not a parameter/);
    expectProblem(await getCsv(h, `${base}/removal-candidates.csv?state=ready,done`), 400, /"done" is not a candidate state/);
    expectProblem(await getCsv(h, `/api/profiles/${crypto.randomUUID()}/subscriptions.csv`), 404, /Profile/);
    expect((await h.api('GET', `${base}/subscriptions.csv`, undefined, { token: null })).status).toBe(401);
  });
});
