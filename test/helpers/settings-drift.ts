import { expect } from 'vitest';

/** Asserts that a function's settings accept exactly the values the config accepts. */
export function expectSameVerdicts(
  values: readonly unknown[],
  config: (v: unknown) => boolean,
  settings: (v: unknown) => boolean,
): void {
  for (const value of values) {
    expect({ value, accepted: settings(value) }).toEqual({ value, accepted: config(value) });
  }
}
