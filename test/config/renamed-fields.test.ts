import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, loadConfig, validateConfig } from '../../config/load';
import { RENAMED_DURATION_FIELDS } from '../../config/schema/renamed-fields';
import { REPO_ROOT } from '../helpers/app';

const example = (): Record<string, unknown> =>
  parse(readFileSync(join(REPO_ROOT, 'config/example.yaml'), 'utf8')) as Record<string, unknown>;

/** The object at `path` of `config` (created when absent), with `key` set to `value` and `drop` removed. */
function setField(config: Record<string, unknown>, path: string, value: unknown, drop?: string): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  let at = config;
  for (const k of keys) at = (at[k] ??= {}) as Record<string, unknown>;
  if (drop) delete at[drop];
  at[last] = value;
}

function problemsOf(config: unknown): readonly string[] {
  try {
    validateConfig(config);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('config was accepted');
}

// Each old field with a value a config could have held, and the field and value to use instead.
const RENAMES: ReadonlyArray<readonly [string, number, string, string]> = [
  ['privateLinkFailover.recordTtlSeconds', 60, 'recordTtl', 'PT1M'],
  ['privateLinkFailover.routingControl.waitPeriodMs', 1500, 'waitPeriod', 'PT1.5S'],
  ['smsMonitor.schedule.flexibleWindowMinutes', 0, 'flexibleWindow', 'PT0S'],
  ['smsMonitor.schedule.maxEventAgeMinutes', 90, 'maxEventAge', 'PT1H30M'],
  ['smsMonitor.report.recentlyCompletedDays', 14, 'recentlyCompletedWithin', 'P14D'],
  ['licenseOrchestration.sync.scheduleMinutes', 15, 'interval', 'PT15M'],
  ['licenseOrchestration.sync.commandTimeoutSeconds', 90, 'commandTimeout', 'PT1M30S'],
  ['licenseOrchestration.reconciliation.scheduleMinutes', 1440, 'interval', 'P1D'],
  ['licenseOrchestration.archiveRetentionDays', 0, 'archiveRetention', 'PT0S'],
  ['flinkAlerting.notifier.retry.baseDelayMs', 250, 'baseDelay', 'PT0.25S'],
  ['flinkAlerting.notifier.retry.maxDelayMs', 10_000, 'maxDelay', 'PT10S'],
  ['flinkAlerting.notifier.historyTtlDays', 365, 'historyTtl', 'P365D'],
  ['flinkAlerting.alarms.downtimeMinutes', 10, 'downtime', 'PT10M'],
];

describe('renamed duration fields', () => {
  it('covers every renamed field', () => {
    expect(RENAMES.map(([old]) => old).sort()).toEqual(Object.keys(RENAMED_DURATION_FIELDS).sort());
  });

  it.each(RENAMES)('%s names its new field with the value converted', (old, value, to, converted) => {
    const config = example();
    setField(config, old, value);
    expect(problemsOf(config)).toEqual([`${old} was renamed: use ${to}: ${converted}`]);
  });

  it.each(RENAMES)('%s: the suggested replacement is accepted', (old, _value, to, converted) => {
    const config = example();
    setField(config, old.replace(/[^.]+$/, to), converted, old.split('.').pop());
    expect(() => validateConfig(config)).not.toThrow();
  });

  it('names the file, the old field and the new one in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'renamed-'));
    const path = join(dir, 'old.yaml');
    const text = readFileSync(join(REPO_ROOT, 'config/example.yaml'), 'utf8').replace(
      '    interval: PT5M\n',
      '    scheduleMinutes: 15\n',
    );
    writeFileSync(path, text);
    let error: unknown;
    try {
      loadConfig(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).lines()).toEqual([
      `${path}: licenseOrchestration.sync.scheduleMinutes was renamed: use interval: PT15M`,
    ]);
  });

  it('asks for a duration when the old value is not a number', () => {
    const config = example();
    setField(config, 'licenseOrchestration.sync.scheduleMinutes', 'often');
    expect(problemsOf(config)).toEqual([
      'licenseOrchestration.sync.scheduleMinutes was renamed: use interval: <an ISO-8601 duration such as PT15M>',
    ]);
  });

  it('still reports other unknown fields as unknown', () => {
    const config = example();
    setField(config, 'licenseOrchestration.sync.scheduleHours', 1);
    expect(problemsOf(config)).toEqual([
      'licenseOrchestration.sync.scheduleHours: unknown field (not part of the config schema: check its spelling or remove it)',
    ]);
  });
});
