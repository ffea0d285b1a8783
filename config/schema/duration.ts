// Durations of the config: ISO-8601 duration strings (`PT30S`, `PT5M`, `P28D`) in every section,
// re-exported by common.ts. Only zod, unlike common.ts, so the modules the functions bundle can
// use it without aws-cdk-lib, which would add megabytes.
import * as z from 'zod';

const ISO_DURATION = /^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,3})?S)?)?$/;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Milliseconds of an ISO-8601 duration (`PT30S`, `PT5M`, `P28D`), or NaN if it is not one. */
export function durationMs(text: string): number {
  const m = ISO_DURATION.exec(text);
  if (!m) return Number.NaN;
  const n = (s: string | undefined, unit: string): number => (s ? Number(s.slice(0, -unit.length)) : 0);
  return n(m[1], 'D') * DAY_MS + n(m[3], 'H') * HOUR_MS + n(m[4], 'M') * MINUTE_MS + Math.round(n(m[5], 'S') * 1000);
}

/** The ISO-8601 duration of `ms` milliseconds in days, hours, minutes and seconds (`PT1H30M`, `P30D`, `PT0S`). */
export function isoDurationOf(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`expected a duration of zero or more milliseconds, got ${ms}`);
  const whole = Math.round(ms);
  const days = Math.floor(whole / DAY_MS);
  const hours = Math.floor((whole % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((whole % HOUR_MS) / MINUTE_MS);
  const millis = whole % MINUTE_MS;
  const seconds = millis % 1000 === 0 ? String(millis / 1000) : (millis / 1000).toFixed(3).replace(/0+$/, '');
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${millis ? `${seconds}S` : ''}`;
  if (!days && !time) return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

/** An ISO-8601 duration of days, hours, minutes and seconds, such as PT30S, PT5M or P28D. */
export const isoDuration = z.string().regex(ISO_DURATION, {
  message: 'expected an ISO-8601 duration such as "PT30S", "PT5M" or "P28D"',
});

/** A duration longer than zero. */
// NaN (not a duration) is left to the format check, so only one problem is reported.
export const positiveDuration = isoDuration.refine((d) => !(durationMs(d) <= 0), {
  message: 'expected a positive duration',
});

/** Bounds of a {@link boundedDuration}, as ISO-8601 durations. */
export interface DurationBounds {
  /** The shortest duration accepted. */
  readonly min: string;
  /** The longest duration accepted. */
  readonly max: string;
  /**
   * The unit the duration must be a whole number of, for settings that AWS or a function takes
   * in whole seconds, minutes or days (`PT1S`, `PT1M`, `P1D`).
   * @default - any whole number of milliseconds
   */
  readonly unit?: string;
}

const UNIT_NAMES: Readonly<Record<number, string>> = {
  1000: 'seconds',
  [MINUTE_MS]: 'minutes',
  [HOUR_MS]: 'hours',
  [DAY_MS]: 'days',
};

/** A duration from `min` to `max` (inclusive), optionally a whole number of `unit`s. */
export function boundedDuration(bounds: DurationBounds) {
  const [min, max, unit] = [durationMs(bounds.min), durationMs(bounds.max), durationMs(bounds.unit ?? 'PT0.001S')];
  const unitName = UNIT_NAMES[unit] ?? `multiples of ${bounds.unit}`;
  // NaN (not a duration) is left to the format check, so only one problem is reported.
  return isoDuration.superRefine((d, ctx) => {
    const ms = durationMs(d);
    const problem = Number.isNaN(ms)
      ? undefined
      : ms < min
        ? `expected at least ${bounds.min}`
        : ms > max
          ? `expected at most ${bounds.max}`
          : ms % unit !== 0
            ? `expected a whole number of ${unitName}`
            : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: d });
  });
}

/**
 * A duration of a whole number of `unit`s within the bounds of `count`, the schema of a function
 * setting that carries the same value as a number (`COMMAND_TIMEOUT_SECONDS=120`): the config
 * and the function then accept the same values, and the bounds are stated once.
 */
export function durationOfCount(
  count: { readonly minValue: number | null; readonly maxValue: number | null },
  unit: string,
) {
  const { minValue, maxValue } = count;
  if (minValue === null || maxValue === null) throw new Error('expected a count with both bounds');
  const unitMs = durationMs(unit);
  return boundedDuration({ min: isoDurationOf(minValue * unitMs), max: isoDurationOf(maxValue * unitMs), unit });
}

/** `iso` as a whole number of `unit`s (`PT2H` in `PT1M`: 120), for the functions and resources that take numbers. */
export function durationIn(iso: string, unit: string): number {
  const count = durationMs(iso) / durationMs(unit);
  if (!Number.isInteger(count)) throw new Error(`expected a whole number of ${unit} in ${iso}`);
  return count;
}
