import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { boundedDuration, durationIn, durationMs, durationOfCount, isoDurationOf } from '../../config/schema/duration';

describe('config durations', () => {
  it('writes milliseconds as the shortest ISO-8601 duration', () => {
    expect(isoDurationOf(0)).toBe('PT0S');
    expect(isoDurationOf(200)).toBe('PT0.2S');
    expect(isoDurationOf(1500)).toBe('PT1.5S');
    expect(isoDurationOf(90 * 60_000)).toBe('PT1H30M');
    expect(isoDurationOf(30 * 86_400_000)).toBe('P30D');
    expect(isoDurationOf(86_400_000 + 7_200_000 + 180_000 + 4500)).toBe('P1DT2H3M4.5S');
    expect(() => isoDurationOf(-1)).toThrow();
  });

  it('reads back what it writes', () => {
    for (const ms of [0, 1, 200, 59_999, 60_000, 3_600_000, 86_400_000, 3650 * 86_400_000, 123_456_789]) {
      expect(durationMs(isoDurationOf(ms))).toBe(ms);
    }
  });

  it('checks bounds on the milliseconds and whole units', () => {
    const minutes = boundedDuration({ min: 'PT1M', max: 'PT1H', unit: 'PT1M' });
    expect(minutes.safeParse('PT1M').success).toBe(true);
    expect(minutes.safeParse('PT60M').success).toBe(true);
    expect(minutes.safeParse('PT1H').success).toBe(true);
    const problem = (value: string) => minutes.safeParse(value).error?.issues.map((i) => i.message);
    expect(problem('PT30S')).toEqual(['expected at least PT1M']);
    expect(problem('PT1H1M')).toEqual(['expected at most PT1H']);
    expect(problem('PT90S')).toEqual(['expected a whole number of minutes']);
    expect(problem('5m')).toEqual(['expected an ISO-8601 duration such as "PT30S", "PT5M" or "P28D"']);
  });

  it("takes the bounds of a function setting's count of units", () => {
    const timeout = durationOfCount(z.int().min(30).max(600), 'PT1S');
    const accepted = (value: string) => timeout.safeParse(value).success;
    expect(['PT30S', 'PT2M', 'PT10M'].map(accepted)).toEqual([true, true, true]);
    expect(['PT29S', 'PT10M1S', 'PT30.5S'].map(accepted)).toEqual([false, false, false]);
  });

  it('converts a duration to a whole number of units, refusing a fraction', () => {
    expect(durationIn('PT2H', 'PT1M')).toBe(120);
    expect(durationIn('P30D', 'P1D')).toBe(30);
    expect(() => durationIn('PT90S', 'PT1M')).toThrow(/whole number/);
  });
});
