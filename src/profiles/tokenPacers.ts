// One pacer per credential of a profile, shared by every Asana client of it in this worker process, so that
// concurrent activities of a profile draw on one budget and different profiles never wait on each other's.
// With a shared window (PostgreSQL), the budget holds across every worker process too.
import { RequestPacer, type PacerClock, type Release, type SharedWindow } from '../asana/pacer';
import type { TokenPacer } from '../asana/client';

export type Credential = 'oauth' | 'service_account';

export interface PacingSettings {
  /** Requests in flight per token in this process (Asana: about 50 concurrent GETs per token). */
  maxInFlight: number;
}

export const DEFAULT_PACING: PacingSettings = { maxInFlight: 50 };

/** How long a profile's budget is trusted before it is read again, so a changed option applies within a minute. */
const BUDGET_TTL_MS = 30_000;

export interface TokenPacers {
  /** The pacer of a profile's credential; `budget` reads the profile's requests per minute. */
  forProfile(profileId: string, credential: Credential, budget: () => Promise<number>): TokenPacer;
  /** What this process holds for a profile's credential (tests, diagnostics). */
  limitsOf(profileId: string, credential: Credential): { requestsPerMinute: number; maxInFlight: number } | null;
}

export function createTokenPacers(
  settings: PacingSettings = DEFAULT_PACING,
  opts: { clock?: PacerClock; shared?: (tokenKey: string) => SharedWindow } = {},
): TokenPacers {
  const pacers = new Map<string, ProfilePacer>();
  const keyOf = (profileId: string, credential: Credential) => `${profileId}/${credential}`;
  return {
    forProfile(profileId, credential, budget) {
      const key = keyOf(profileId, credential);
      let pacer = pacers.get(key);
      if (!pacer) {
        pacer = new ProfilePacer(settings.maxInFlight, budget, opts.clock, opts.shared?.(key));
        pacers.set(key, pacer);
      }
      return pacer;
    },
    limitsOf(profileId, credential) {
      return pacers.get(keyOf(profileId, credential))?.limits ?? null;
    },
  };
}

class ProfilePacer implements TokenPacer {
  private pacer: RequestPacer | null = null;
  private readAt = -Infinity;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly maxInFlight: number,
    private readonly budget: () => Promise<number>,
    private readonly clock: PacerClock | undefined,
    private readonly shared: SharedWindow | undefined,
  ) {}

  get limits(): { requestsPerMinute: number; maxInFlight: number } | null {
    if (!this.pacer) return null;
    const { requestsPerMinute, maxInFlight } = this.pacer.current;
    return { requestsPerMinute, maxInFlight };
  }

  async acquire(signal?: AbortSignal): Promise<Release> {
    await this.fresh();
    return this.pacer!.acquire(signal);
  }

  holdUntil(time: number): void {
    this.pacer?.holdUntil(time);
  }

  private now(): number {
    return this.clock?.now() ?? performance.now();
  }

  private async fresh(): Promise<void> {
    if (this.pacer && this.now() - this.readAt < BUDGET_TTL_MS) return;
    this.reading ??= (async () => {
      try {
        const limits = { requestsPerMinute: await this.budget(), maxInFlight: this.maxInFlight };
        if (this.pacer) this.pacer.setLimits(limits);
        else this.pacer = new RequestPacer({ ...limits, ...(this.clock ? { clock: this.clock } : {}), ...(this.shared ? { shared: this.shared } : {}) });
        this.readAt = this.now();
      } finally {
        this.reading = null;
      }
    })();
    // A pacer that already exists keeps pacing while its budget is read again.
    if (this.pacer) {
      this.reading.catch(() => undefined);
      return;
    }
    await this.reading;
  }
}
