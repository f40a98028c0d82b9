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
 * The token's window as every process sees it (PostgreSQL, see store/asanaBudget.ts): books up to `want` requests
 * and answers how many it booked, or none and the milliseconds until the window has room. Without one, the pacer
 * knows only its own process.
 */
export type SharedWindow = (limit: number, windowMs: number, want: number) => Promise<{ booked: number; waitMs: number }>;

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
 * Places a pacer books ahead in the shared window, so that a walk's requests do not each wait for a round trip to
 * the database: one booking serves the next few. Unused ones (a walk that ends) stay counted until they leave the
 * window, so the number is small.
 */
export const BOOK_AHEAD = 4;
/**
 * How long a place booked ahead stays good. It is booked before it is used, so the window forgets it that much
 * early; the margin covers that (at most half of it is spent so). An older one is left unused, counted as sent.
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
  /** Places booked in the shared window ahead of the requests that will use them: when each was booked, oldest first. */
  private readonly spares: number[] = [];
  private bookingSpares = false;
  private readonly spareMaxAgeMs: number;

  constructor(opts: PacerOptions) {
    this.limits = checkLimits(opts);
    const marginMs = opts.marginMs ?? DEFAULT_PACER_MARGIN_MS;
    this.windowMs = (opts.windowMs ?? PACER_WINDOW_MS) + marginMs;
    this.spareMaxAgeMs = Math.min(SPARE_MAX_AGE_MS, marginMs / 2);
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
    if (this.shared && this.spares.length === 0) this.bookSpares();
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
      // A place booked ahead is in the window (sent) and in the shared one already; a stale one stays there, unused.
      while (this.spares.length > 0) {
        if (now - this.spares.shift()! <= this.spareMaxAgeMs) {
          this.inFlight += 1;
          return;
        }
      }
      if (this.sent.length >= this.limits.requestsPerMinute) {
        // Room comes back when the oldest request that keeps the window full leaves it, or sooner with a larger budget.
        const pivot = this.sent[this.sent.length - this.limits.requestsPerMinute]!;
        await this.sleepOrWake(pivot + this.windowMs - now, signal);
        continue;
      }
      // Admissions take turns (the queue in acquire), so nothing else books a place while the shared window answers.
      if (this.shared) {
        const { booked, waitMs } = await this.shared(this.limits.requestsPerMinute, this.windowMs, 1 + this.roomAhead(1));
        if (booked === 0) {
          await this.sleepOrWake(waitMs, signal);
          continue;
        }
        this.book(booked, 1);
      } else {
        this.sent.push(this.clock.now());
      }
      this.inFlight += 1;
      return;
    }
  }

  /** How many places to book ahead, beyond `using` booked for requests now: a few, and never past the limit. */
  private roomAhead(using: number): number {
    return Math.max(0, Math.min(BOOK_AHEAD, this.limits.requestsPerMinute - this.sent.length - using));
  }

  /** Records `booked` places booked in the shared window just now, of which the first `using` go to requests now. */
  private book(booked: number, using: number): void {
    const at = this.clock.now();
    for (let i = 0; i < booked; i++) this.sent.push(at);
    for (let i = using; i < booked; i++) this.spares.push(at);
  }

  /**
   * Books the next requests' places in the shared window now, in the admissions' turn, while this one is in flight.
   * Only when the window has room: a full window is waited for by the request itself, as before.
   */
  private bookSpares(): void {
    if (this.bookingSpares) return;
    this.bookingSpares = true;
    const before = this.queue;
    let done!: () => void;
    this.queue = new Promise<void>((resolve) => (done = resolve));
    void before
      .then(async () => {
        this.prune(this.clock.now());
        const want = this.roomAhead(0);
        if (this.spares.length > 0 || this.clock.now() < this.heldUntil || want === 0) return;
        const { booked } = await this.shared!(this.limits.requestsPerMinute, this.windowMs, want);
        this.book(booked, 0);
      })
      // Places booked ahead only save round trips: without them, the next request books its own.
      .catch(() => undefined)
      .finally(() => {
        this.bookingSpares = false;
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
