import { Prng } from './prng';
import type { FaultsInput, FaultsState, Plan } from './types';

export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;
const DEFAULT_WINDOW_SECONDS = 60;

/** Asana's standard limits per domain tier (requests per minute, per token). */
const PLAN_LIMITS: Record<Plan, number | null> = { unlimited: null, free: 150, paid: 1500 };

const ADJECTIVES = ['sad', 'sleepy', 'brave', 'quiet', 'lucky', 'fuzzy', 'grumpy', 'tiny', 'shiny', 'curious'];
const NOUNS = ['squid', 'otter', 'panda', 'badger', 'heron', 'lemur', 'walrus', 'gecko', 'moose', 'koala'];
const VERBS = ['snuggle', 'dance', 'wander', 'giggle', 'ponder', 'juggle', 'hum', 'tumble', 'nap', 'wiggle'];
const ADVERBS = ['softly', 'boldly', 'slowly', 'gladly', 'oddly', 'calmly', 'wildly', 'neatly', 'busily', 'gently'];

/** Injected failures. Settings persist until changed or cleared; the error draw is seeded. */
export class Faults {
  private rateLimitPerMinute: number | null = null;
  private rateLimitWindowSeconds: number | null = null;
  private errorRate = 0;
  private latencyMs = 0;
  private accessTokenTtlSeconds: number | null = null;
  private failNextRequests = 0;
  private loseNextWriteResponses = 0;
  private prng: Prng;

  constructor(private seed: number) {
    this.prng = new Prng(seed ^ 0x5eed);
  }

  /** Applies the settings a POST names; `null` switches one off. One-shot actions are the caller's. */
  apply(input: FaultsInput): void {
    if (input.rateLimitPerMinute !== undefined) this.rateLimitPerMinute = input.rateLimitPerMinute;
    if (input.rateLimitWindowSeconds !== undefined) this.rateLimitWindowSeconds = input.rateLimitWindowSeconds;
    if (input.errorRate !== undefined) this.errorRate = input.errorRate ?? 0;
    if (input.latencyMs !== undefined) this.latencyMs = input.latencyMs ?? 0;
    if (input.accessTokenTtlSeconds !== undefined) this.accessTokenTtlSeconds = input.accessTokenTtlSeconds;
    if (input.failNextRequests !== undefined) this.failNextRequests = input.failNextRequests ?? 0;
    if (input.loseNextWriteResponses !== undefined) this.loseNextWriteResponses = input.loseNextWriteResponses ?? 0;
    if (input.seed !== undefined && input.seed !== null) this.seed = input.seed;
    if (input.seed !== undefined || input.errorRate !== undefined) this.prng = new Prng(this.seed ^ 0x5eed);
  }

  clear(): void {
    this.rateLimitPerMinute = null;
    this.rateLimitWindowSeconds = null;
    this.errorRate = 0;
    this.latencyMs = 0;
    this.accessTokenTtlSeconds = null;
    this.failNextRequests = 0;
    this.loseNextWriteResponses = 0;
    this.prng = new Prng(this.seed ^ 0x5eed);
  }

  reseed(seed: number): void {
    this.seed = seed;
    this.prng = new Prng(seed ^ 0x5eed);
  }

  state(plan: Plan): FaultsState {
    return {
      rateLimitPerMinute: this.rateLimitPerMinute,
      rateLimitWindowSeconds: this.windowSeconds(),
      effectiveRateLimit: this.rateLimit(plan),
      errorRate: this.errorRate,
      latencyMs: this.latencyMs,
      accessTokenTtlSeconds: this.tokenTtlSeconds(),
      failNextRequests: this.failNextRequests,
      loseNextWriteResponses: this.loseNextWriteResponses,
    };
  }

  rateLimit(plan: Plan): number | null {
    return this.rateLimitPerMinute ?? PLAN_LIMITS[plan];
  }

  windowSeconds(): number {
    return this.rateLimitWindowSeconds ?? DEFAULT_WINDOW_SECONDS;
  }

  latency(): number {
    return this.latencyMs;
  }

  tokenTtlSeconds(): number {
    return this.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  }

  /** Whether this write is carried out and its answer then lost (a 502), as when a connection drops. */
  shouldLoseWriteResponse(): boolean {
    if (this.loseNextWriteResponses <= 0) return false;
    this.loseNextWriteResponses--;
    return true;
  }

  /** Whether this API call should fail with a 500. */
  shouldFail(): boolean {
    if (this.failNextRequests > 0) {
      this.failNextRequests--;
      return true;
    }
    return this.errorRate > 0 && this.prng.next() < this.errorRate;
  }

  /** Asana puts a memorable phrase in 500 bodies for support to look up; these are made up. */
  errorPhrase(): string {
    const n = 2 + this.prng.int(8);
    return `${n} ${this.prng.pick(ADJECTIVES)} ${this.prng.pick(NOUNS)} ${this.prng.pick(VERBS)} ${this.prng.pick(ADVERBS)}`;
  }
}
