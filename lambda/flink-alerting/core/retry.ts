// Retries with exponential backoff and full jitter. Pure apart from the injected sleep and random.

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** An error that retrying cannot fix (a 4xx answer, a rejected address): fail at once. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

/** An error worth retrying, optionally after a delay the peer asked for (Retry-After). */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

export class RetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    readonly lastError: Error,
  ) {
    super(`${lastError.message} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`);
    this.name = 'RetriesExhaustedError';
  }
}

/** Delay before retry number `retry` (1-based): uniform in [0, min(max, base * 2^(retry-1))]. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * cap);
}

/**
 * Runs `fn` until it succeeds, throws a {@link PermanentError}, or the attempts are used up.
 * Throws {@link RetriesExhaustedError} (or the PermanentError wrapped in it) carrying the count.
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  sleep: (ms: number) => Promise<void>,
  random: () => number = Math.random,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      if (error instanceof PermanentError || attempt >= policy.attempts) {
        throw new RetriesExhaustedError(attempt, error);
      }
      const asked = error instanceof RetryableError ? error.retryAfterMs : undefined;
      const delay = asked !== undefined ? Math.min(asked, policy.maxDelayMs) : backoffDelay(policy, attempt, random);
      await sleep(delay);
    }
  }
}
