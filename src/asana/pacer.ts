// Keeps one token's requests inside Asana's limits before Asana has to say so: at most `requestsPerMinute`
// sent in any window of a minute (Asana's sliding window), and at most `maxInFlight` at once (Asana allows
// about 50 concurrent GETs per token). Every client of the token shares one pacer, so concurrent activities of
// a profile draw on one budget, and a pacer of another token never makes them wait.

export interface PacerClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Resolves after `ms` (or rejects with the signal's reason when it aborts first). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface PacerLimits {
  requestsPerMinute: number;
  maxInFlight: number;
}

/**
 * The token's window as every process sees it (PostgreSQL, see store/asanaBudget.ts): books a request and answers
 * 0, or answers the milliseconds until the window has room. Without one, the pacer knows only its own process.
 */
export type SharedWindow = (limit: number, windowMs: number) => Promise<number>;

export interface PacerOptions extends PacerLimits {
  /**
   * How much wider than a minute the pacer's window is. Asana counts a request when it arrives, the pacer when it
   * sends; the margin keeps uneven network delay from packing one request too many into Asana's minute.
   */
  marginMs?: number;
  /** Asana's window is a minute; tests against a simulator with a shorter one say so. */
  windowMs?: number;
  clock?: PacerClock;
  shared?: SharedWindow;
}

export const PACER_WINDOW_MS = 60_000;
export const DEFAULT_PACER_MARGIN_MS = 2_000;
/**
 * How long a place booked ahead in the shared window stays good. A place is booked before it is used, so the
 * window forgets it that much early; the margin (2 s) covers it. An older one is left unused, counted as sent.
 */
export const SPARE_MAX_AGE_MS = 1_000;

export const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, Math.ceil(ms)));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** Gives back the slot a request held; call it once its answer is read. */
export type Release = () => void;

export class RequestPacer {
  private limits: PacerLimits;
  private readonly windowMs: number;
  private readonly clock: PacerClock;
  private readonly shared: SharedWindow | undefined;
  /** When each request of the last window was sent, oldest first. */
  private readonly sent: number[] = [];
  private inFlight = 0;
  /** Asana answered 429: nothing is sent before this (a clock time). */
  private heldUntil = 0;
  /** Admission is first come, first served: each request waits for the one before it to be admitted. */
  private queue: Promise<void> = Promise.resolve();
  private slotFreed: Array<() => void> = [];
  private limitsChanged: Array<() => void> = [];
  /**
   * A place booked in the shared window ahead of the request that will use it (the clock time it was booked), so that
   * a walk's next request does not wait for a round trip to the database; null when there is none.
   */
  private spare: number | null = null;
  private bookingSpare = false;

  constructor(opts: PacerOptions) {
    this.limits = checkLimits(opts);
    this.windowMs = (opts.windowMs ?? PACER_WINDOW_MS) + (opts.marginMs ?? DEFAULT_PACER_MARGIN_MS);
    this.clock = opts.clock ?? realClock;
    this.shared = opts.shared;
  }

  get current(): PacerLimits & { inFlight: number; sentInWindow: number } {
    this.prune(this.clock.now());
    return { ...this.limits, inFlight: this.inFlight, sentInWindow: this.sent.length };
  }

  /** A changed budget applies from the next admission on. */
  setLimits(limits: PacerLimits): void {
    this.limits = checkLimits(limits);
    this.wakeAll();
    const sleeping = this.limitsChanged;
    this.limitsChanged = [];
    for (const wake of sleeping) wake();
  }

  /** A 429's Retry-After: every client of the token sits it out, not only the one that met it. */
  holdUntil(time: number): void {
    this.heldUntil = Math.max(this.heldUntil, time);
  }

  /** Waits until a request may be sent and books it; the caller must call the returned release when done. */
  async acquire(signal?: AbortSignal): Promise<Release> {
    signal?.throwIfAborted();
    const before = this.queue;
    let admitted!: () => void;
    this.queue = new Promise<void>((resolve) => (admitted = resolve));
    try {
      await abortable(before, signal);
      await this.admit(signal);
    } finally {
      admitted();
    }
    if (this.shared) this.bookSpare();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      this.wakeAll();
    };
  }

  private async admit(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      this.prune(now);
      if (now < this.heldUntil) {
        await this.clock.sleep(this.heldUntil - now, signal);
        continue;
      }
      if (this.inFlight >= this.limits.maxInFlight) {
        await abortable(new Promise<void>((resolve) => this.slotFreed.push(resolve)), signal);
        continue;
      }
      if (this.spare !== null) {
        const bookedAt = this.spare;
        this.spare = null;
        // Already in the window (sent) and in the shared one; a stale one stays there, unused.
        if (now - bookedAt <= SPARE_MAX_AGE_MS) {
          this.inFlight += 1;
          return;
        }
        continue;
      }
      if (this.sent.length >= this.limits.requestsPerMinute) {
        // Room comes back when the oldest request that keeps the window full leaves it, or sooner with a larger budget.
        const pivot = this.sent[this.sent.length - this.limits.requestsPerMinute]!;
        await this.sleepOrWake(pivot + this.windowMs - now, signal);
        continue;
      }
      // Admissions take turns (the queue in acquire), so nothing else books a place while the shared window answers.
      if (this.shared) {
        const waitMs = await this.shared(this.limits.requestsPerMinute, this.windowMs);
        if (waitMs > 0) {
          await this.sleepOrWake(waitMs, signal);
          continue;
        }
      }
      this.sent.push(this.clock.now());
      this.inFlight += 1;
      return;
    }
  }

  /**
   * Books the next request's place in the shared window now, in the admissions' turn, while this one is in flight.
   * Only when the window has room: a full window is waited for by the request itself, as before.
   */
  private bookSpare(): void {
    if (this.spare !== null || this.bookingSpare) return;
    this.bookingSpare = true;
    const before = this.queue;
    let done!: () => void;
    this.queue = new Promise<void>((resolve) => (done = resolve));
    void before
      .then(async () => {
        const now = this.clock.now();
        this.prune(now);
        if (this.spare !== null || now < this.heldUntil || this.sent.length >= this.limits.requestsPerMinute) return;
        if ((await this.shared!(this.limits.requestsPerMinute, this.windowMs)) !== 0) return;
        const bookedAt = this.clock.now();
        this.sent.push(bookedAt);
        this.spare = bookedAt;
      })
      // A spare only saves a round trip: without one, the next request books its own place.
      .catch(() => undefined)
      .finally(() => {
        this.bookingSpare = false;
        done();
      });
  }

  private async sleepOrWake(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const stop = new AbortController();
    const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => this.limitsChanged.push((wake = resolve)));
    try {
      await Promise.race([this.clock.sleep(ms, both), abortable(woken, signal)]);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (!stop.signal.aborted) throw err;
    } finally {
      stop.abort();
      const at = this.limitsChanged.indexOf(wake);
      if (at >= 0) this.limitsChanged.splice(at, 1);
      // Settles the wake-up too, so that it lets go of the caller's signal.
      wake();
    }
  }

  private prune(now: number): void {
    let expired = 0;
    while (expired < this.sent.length && this.sent[expired]! <= now - this.windowMs) expired++;
    if (expired > 0) this.sent.splice(0, expired);
  }

  private wakeAll(): void {
    const waiting = this.slotFreed;
    this.slotFreed = [];
    for (const wake of waiting) wake();
  }
}

function checkLimits(l: PacerLimits): PacerLimits {
  if (!Number.isInteger(l.requestsPerMinute) || l.requestsPerMinute < 1) throw new RangeError(`requestsPerMinute must be a whole number of at least 1, got ${l.requestsPerMinute}`);
  if (!Number.isInteger(l.maxInFlight) || l.maxInFlight < 1) throw new RangeError(`maxInFlight must be a whole number of at least 1, got ${l.maxInFlight}`);
  return { requestsPerMinute: l.requestsPerMinute, maxInFlight: l.maxInFlight };
}

function abortable(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return p;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
