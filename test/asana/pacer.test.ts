import { describe, expect, it } from 'vitest';
import { RequestPacer, type PacerClock, type Release } from '../../src/asana/pacer';
import { createTokenPacers } from '../../src/profiles/tokenPacers';

/** A clock that moves only when told; sleepers wake in deadline order as it passes them. */
function virtualClock(): PacerClock & { advance(ms: number): Promise<void>; t: number } {
  let t = 0;
  const sleepers: Array<{ at: number; wake: () => void }> = [];
  const settle = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return {
    get t() {
      return t;
    },
    now: () => t,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        const entry = { at: t + Math.max(0, ms), wake: resolve };
        sleepers.push(entry);
        signal?.addEventListener('abort', () => {
          sleepers.splice(sleepers.indexOf(entry), 1);
          reject(signal.reason);
        });
      }),
    async advance(ms) {
      const end = t + ms;
      await settle();
      for (;;) {
        sleepers.sort((a, b) => a.at - b.at);
        const next = sleepers[0];
        if (!next || next.at > end) break;
        sleepers.shift();
        t = next.at;
        next.wake();
        await settle();
      }
      t = end;
      await settle();
    },
  };
}

/** Starts n acquisitions and records when each is admitted. */
function take(pacer: RequestPacer, clock: { now(): number }, n: number, signal?: AbortSignal): { admittedAt: number[]; releases: Release[]; failures: unknown[] } {
  const out = { admittedAt: [] as number[], releases: [] as Release[], failures: [] as unknown[] };
  for (let i = 0; i < n; i++) {
    pacer.acquire(signal).then(
      (release) => {
        out.admittedAt.push(clock.now());
        out.releases.push(release);
      },
      (err: unknown) => out.failures.push(err),
    );
  }
  return out;
}

describe('RequestPacer', () => {
  it('admits at most requestsPerMinute in any window of a minute (plus its margin), the rest as the window frees', async () => {
    const clock = virtualClock();
    const pacer = new RequestPacer({ requestsPerMinute: 10, maxInFlight: 50, marginMs: 2000, clock });
    const got = take(pacer, clock, 25);
    await clock.advance(0);
    expect(got.admittedAt).toHaveLength(10);
    for (const r of got.releases) r();
    await clock.advance(61_999);
    expect(got.admittedAt).toHaveLength(10);
    await clock.advance(1);
    expect(got.admittedAt).toHaveLength(20);
    expect(got.admittedAt.slice(10)).toEqual(Array(10).fill(62_000));
    for (const r of got.releases) r();
    await clock.advance(62_000);
    expect(got.admittedAt).toHaveLength(25);
    // No window of 62 s ever held more than 10 admissions.
    const times = got.admittedAt;
    for (const start of times) expect(times.filter((x) => x >= start && x < start + 62_000).length).toBeLessThanOrEqual(10);
  });

  it('spreads a steady stream: a request made after a quiet spell goes at once', async () => {
    const clock = virtualClock();
    const pacer = new RequestPacer({ requestsPerMinute: 3, maxInFlight: 50, marginMs: 0, clock });
    const first = take(pacer, clock, 3);
    await clock.advance(0);
    first.releases.forEach((r) => r());
    await clock.advance(60_000);
    const later = take(pacer, clock, 1);
    await clock.advance(0);
    expect(later.admittedAt).toEqual([60_000]);
  });

  it('holds at most maxInFlight at once, admitting the next as one is released, first come first served', async () => {
    const clock = virtualClock();
    const pacer = new RequestPacer({ requestsPerMinute: 1000, maxInFlight: 2, clock });
    const order: number[] = [];
    const releases: Release[] = [];
    for (let i = 0; i < 5; i++) void pacer.acquire().then((r) => (order.push(i), releases.push(r)));
    await clock.advance(0);
    expect(order).toEqual([0, 1]);
    expect(pacer.current.inFlight).toBe(2);
    releases[0]!();
    releases[0]!(); // a second release of the same place changes nothing
    await clock.advance(0);
    expect(order).toEqual([0, 1, 2]);
    expect(pacer.current.inFlight).toBe(2);
    releases[1]!();
    releases[2]!();
    await clock.advance(0);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('sits out a 429 for every waiting request, then goes on', async () => {
    const clock = virtualClock();
    const pacer = new RequestPacer({ requestsPerMinute: 100, maxInFlight: 10, clock });
    pacer.holdUntil(5_000);
    const got = take(pacer, clock, 3);
    await clock.advance(4_999);
    expect(got.admittedAt).toEqual([]);
    await clock.advance(1);
    expect(got.admittedAt).toEqual([5_000, 5_000, 5_000]);
  });

  it('gives up a wait when its signal aborts, without holding up the requests behind it', async () => {
    const clock = virtualClock();
    const pacer = new RequestPacer({ requestsPerMinute: 1, maxInFlight: 10, marginMs: 0, clock });
    const first = take(pacer, clock, 1);
    await clock.advance(0);
    expect(first.admittedAt).toEqual([0]);
    const controller = new AbortController();
    const cancelled = take(pacer, clock, 1, controller.signal);
    const next = take(pacer, clock, 1);
    await clock.advance(1_000);
    controller.abort(new Error('cancelled'));
    await clock.advance(0);
    expect(cancelled.failures).toHaveLength(1);
    expect((cancelled.failures[0] as Error).message).toBe('cancelled');
    await clock.advance(59_000);
    expect(next.admittedAt).toEqual([60_000]);
  });

  it('applies a changed budget to the next admission', async () => {
    const clock = virtualClock();
    const pacer = new RequestPacer({ requestsPerMinute: 2, maxInFlight: 10, marginMs: 0, clock });
    const got = take(pacer, clock, 4);
    await clock.advance(0);
    expect(got.admittedAt).toHaveLength(2);
    await clock.advance(1_000);
    expect(got.admittedAt).toHaveLength(2);
    pacer.setLimits({ requestsPerMinute: 4, maxInFlight: 10 });
    await clock.advance(0);
    expect(got.admittedAt).toEqual([0, 0, 1_000, 1_000]);
    expect(pacer.current.sentInWindow).toBe(4);
  });

  it('asks the shared window (every process) before booking, books a few places ahead, and waits as long as it says', async () => {
    const clock = virtualClock();
    const answers = [{ booked: 1, waitMs: 0 }, { booked: 0, waitMs: 5_000 }, { booked: 2, waitMs: 0 }];
    const asked: Array<[number, number, number, number]> = [];
    const pacer = new RequestPacer({
      requestsPerMinute: 100,
      maxInFlight: 10,
      marginMs: 1_000,
      clock,
      shared: async (limit, windowMs, want) => (asked.push([clock.now(), limit, windowMs, want]), answers.shift() ?? { booked: want, waitMs: 0 }),
    });
    const got = take(pacer, clock, 3);
    await clock.advance(0);
    expect(got.admittedAt).toEqual([0]);
    await clock.advance(5_000);
    // The third goes on the place booked ahead with the second, without asking.
    expect(got.admittedAt).toEqual([0, 5_000, 5_000]);
    // Each asks for itself and four ahead; once the places ahead are spent, four more are booked in the background.
    expect(asked).toEqual([
      [0, 100, 61_000, 5],
      [0, 100, 61_000, 5],
      [5_000, 100, 61_000, 5],
      [5_000, 100, 61_000, 4],
    ]);
    expect(pacer.current.sentInWindow).toBe(7);
  });

  it("serves a walk's requests from places booked ahead, one round trip for several, and lets stale ones go unused", async () => {
    const clock = virtualClock();
    const asked: Array<[number, number]> = [];
    const pacer = new RequestPacer({ requestsPerMinute: 100, maxInFlight: 10, marginMs: 2_000, clock, shared: async (_l, _w, want) => (asked.push([clock.now(), want]), { booked: want, waitMs: 0 }) });
    const walk = async (from: number, requests: number) => {
      for (let i = 0; i < requests; i++) {
        const got = take(pacer, clock, 1);
        await clock.advance(0);
        expect(got.admittedAt).toEqual([from + i * 100]);
        got.releases[0]!();
        await clock.advance(100);
      }
    };
    await walk(0, 7);
    // The first booked itself and four ahead; the fifth, spending the last of them, had four more booked.
    expect(asked).toEqual([
      [0, 5],
      [400, 4],
    ]);
    expect(pacer.current.sentInWindow).toBe(9);
    // After a quiet spell the places booked ahead are too old: the next request books afresh (the old stay counted).
    await clock.advance(2_000);
    await walk(2_700, 1);
    expect(asked.at(-1)).toEqual([2_700, 5]);
    expect(pacer.current.sentInWindow).toBe(14);
  });

  it('books nothing ahead past the limit', async () => {
    const clock = virtualClock();
    const asked: number[] = [];
    const pacer = new RequestPacer({ requestsPerMinute: 2, maxInFlight: 10, marginMs: 2_000, clock, shared: async (_l, _w, want) => (asked.push(want), { booked: want, waitMs: 0 }) });
    const got = take(pacer, clock, 3);
    await clock.advance(0);
    expect(got.admittedAt).toEqual([0, 0]);
    expect(asked).toEqual([2]);
    expect(pacer.current.sentInWindow).toBe(2);
    await clock.advance(62_000);
    expect(got.admittedAt).toEqual([0, 0, 62_000]);
  });

  it('refuses limits that are not whole numbers of at least 1', () => {
    expect(() => new RequestPacer({ requestsPerMinute: 0, maxInFlight: 1 })).toThrow(/requestsPerMinute/);
    expect(() => new RequestPacer({ requestsPerMinute: 10, maxInFlight: 1.5 })).toThrow(/maxInFlight/);
  });
});

describe('token pacers of a worker process', () => {
  it("shares one pacer between every client of a profile's credential, and keeps other profiles' apart", async () => {
    const clock = virtualClock();
    const pacers = createTokenPacers({ maxInFlight: 50 }, { clock });
    let reads = 0;
    const budget = async () => (reads++, 2);
    const a1 = pacers.forProfile('a', 'oauth', budget);
    const a2 = pacers.forProfile('a', 'oauth', budget);
    const aService = pacers.forProfile('a', 'service_account', budget);
    const b = pacers.forProfile('b', 'oauth', async () => 1500);
    expect(a1).toBe(a2);
    expect(aService).not.toBe(a1);
    await a1.acquire();
    await a2.acquire();
    let third = false;
    void a1.acquire().then(() => (third = true));
    await clock.advance(0);
    expect(third).toBe(false);
    // Profile a's full budget makes nobody else wait.
    await aService.acquire();
    for (let i = 0; i < 10; i++) await b.acquire();
    expect(pacers.limitsOf('b', 'oauth')).toEqual({ requestsPerMinute: 1500, maxInFlight: 50 });
    expect(reads).toBe(2);
  });
});
