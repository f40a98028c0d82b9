// Two attempts of one membership walk side by side (the server gave up on the first while a history shard moved,
// and handed its retry to another worker): from the moment the second claims the walk, the first writes nothing.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile } from '../support/runs';
import { claimWalk, startJobResult } from '../../src/store/jobs';
import { WalkSuperseded, writeMembershipPage, type WalkPosition } from '../../src/store/subscriptions';
import type { WorkspaceMembership } from '../../src/asana/types';

let h: Harness;
let profileId: string;
beforeAll(async () => {
  h = await startHarness({ scenario: { members: 5, guests: 0, viewOnly: 0, admins: 1 } });
  profileId = await readyProfile(h);
});
afterAll(async () => h?.close());

const START: WalkPosition = { offset: null, pages: 0, members: 0 };

function page(from: number, n: number): WorkspaceMembership[] {
  return Array.from({ length: n }, (_, i) => ({
    gid: `m-${from + i}`,
    is_active: true,
    is_admin: false,
    user: { gid: `claim-user-${from + i}`, name: `Person ${from + i}`, email: `person${from + i}@example.com` },
  })) as WorkspaceMembership[];
}

async function newJob(): Promise<string> {
  const id = crypto.randomUUID();
  return startJobResult(h.db, { id, profileId, kind: 'download', trigger: 'on_demand', workflowId: `claims-${id}`, runId: id });
}

async function written(jobId: string): Promise<{ subscriptions: number; progress: WalkPosition | null }> {
  const subs = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM subscriptions WHERE last_seen_job = $1', [jobId]);
  const job = await h.db.query<{ progress: WalkPosition | null }>('SELECT progress FROM job_results WHERE id = $1', [jobId]);
  return { subscriptions: subs[0]!.n, progress: job[0]!.progress };
}

describe('claims on a membership walk', () => {
  it('gives each attempt the next claim and the progress committed so far', async () => {
    const jobId = await newJob();
    const first = await claimWalk(h.db, jobId);
    expect(first).toEqual({ claim: 1, progress: null });
    const after = await writeMembershipPage(h.db, { profileId, jobId, page: page(0, 3), nextOffset: 'o1', before: START, claim: first.claim, ensured: new Set() });
    expect(after).toEqual({ offset: 'o1', pages: 1, members: 3 });
    const second = await claimWalk(h.db, jobId);
    expect(second).toEqual({ claim: 2, progress: after });
  });

  it('writes nothing for a superseded attempt (neither its rows nor its cursor), and lets the newer one go on', async () => {
    const jobId = await newJob();
    const old = await claimWalk(h.db, jobId);
    const one = await writeMembershipPage(h.db, { profileId, jobId, page: page(100, 4), nextOffset: 'o1', before: START, claim: old.claim, ensured: new Set() });
    const retry = await claimWalk(h.db, jobId);
    expect(retry.progress).toEqual(one);

    // The old attempt's next page fails and changes nothing.
    const late = writeMembershipPage(h.db, { profileId, jobId, page: page(104, 4), nextOffset: 'o2', before: one, claim: old.claim, ensured: new Set() });
    await expect(late).rejects.toBeInstanceOf(WalkSuperseded);
    await expect(late).rejects.toMatchObject({ type: 'WalkSuperseded' });
    expect(await written(jobId)).toEqual({ subscriptions: 4, progress: one });

    // The retry resumes from the committed cursor and writes the same page.
    const two = await writeMembershipPage(h.db, { profileId, jobId, page: page(104, 4), nextOffset: null, before: retry.progress as WalkPosition, claim: retry.claim, ensured: new Set() });
    expect(two).toEqual({ offset: null, pages: 2, members: 8 });
    expect(await written(jobId)).toEqual({ subscriptions: 8, progress: two });
  });

  it('orders a page and a claim racing for the job row: the claim sees the page, or the page is refused', async () => {
    for (let round = 0; round < 20; round += 1) {
      const jobId = await newJob();
      const old = await claimWalk(h.db, jobId);
      const base = 1000 + round * 10;
      const [page1, claim] = await Promise.allSettled([
        writeMembershipPage(h.db, { profileId, jobId, page: page(base, 5), nextOffset: 'o1', before: START, claim: old.claim, ensured: new Set() }),
        claimWalk(h.db, jobId),
      ]);
      expect(claim.status).toBe('fulfilled');
      const { progress } = (claim as PromiseFulfilledResult<{ claim: number; progress: unknown }>).value;
      const state = await written(jobId);
      if (page1.status === 'fulfilled') {
        // The page committed first: the retry resumes after it.
        expect(progress).toEqual(page1.value);
        expect(state).toEqual({ subscriptions: 5, progress: page1.value });
      } else {
        // The claim came first: the page left no trace, and the retry starts from the beginning.
        expect(page1.reason).toBeInstanceOf(WalkSuperseded);
        expect(progress).toBeNull();
        expect(state).toEqual({ subscriptions: 0, progress: null });
      }
    }
  });
});
