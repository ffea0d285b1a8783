// npm run sms:report -- --regions us-east-1,us-west-2 [--out report.html] [--text report.txt] [--send]
//
// Runs the SMS registration report locally: the same code path as the scheduled Lambda (collect,
// compare, render, send), with the caller's AWS credentials and the SDK's standard endpoint settings.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDbStateStore } from '../../lambda/sms-monitor/adapters/dynamodb-state-store';
import { SesMailer } from '../../lambda/sms-monitor/adapters/ses-mailer';
import { SmsVoiceRegistrationApi } from '../../lambda/sms-monitor/adapters/sms-voice-api';
import { runReport } from '../../lambda/sms-monitor/core/run-report';
import { type MonitorSettings, monitorSettings } from '../../lambda/sms-monitor/core/settings';
import { regionProblem } from '../../config/schema/common';
import { SMS_MONITOR_SETTING_DEFAULTS as DEFAULTS } from '../../config/schema/sms-monitor';

export const USAGE = `Usage: npm run sms:report -- --regions <r1,r2> [options]

Reads every AWS End User Messaging SMS registration in the given Regions with your AWS credentials
(the SDK's standard chain: environment, profile, SSO) and writes the report the scheduled monitor
sends. Nothing is sent unless --send is given.

Options:
  --regions <r1,r2>          Regions to read (required; each once: a repeated Region is refused)
  --out <file>               write the HTML report to <file>
  --text <file>              write the plain-text report to <file>
                             (with neither --out nor --text, the plain text goes to stdout)
  --send                     also email the report through SES v2 (needs --from and --to)
  --from <address>           sender: a verified SES identity, or an address in a verified domain
  --to <a@x,b@y>             recipients
  --ses-region <region>      Region of the SES identity and the state table (default: first of --regions)
  --configuration-set <name> SES configuration set to send with
  --state-table <name>       state table of a deployed monitor: mark what changed since its last
                             report (with --send, this report is recorded there like a scheduled one)
  --time-zone <zone>         IANA time zone for times in the report (default: UTC)
  --concurrency <n>          version look-ups in flight per Region (default: ${DEFAULTS.versionLookupConcurrency})
  --recent-days <n>          approvals this recent are highlighted (default: ${DEFAULTS.recentlyCompletedDays})
  -h, --help                 show this help

Endpoints: the SDK's standard settings apply, for example AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2,
AWS_ENDPOINT_URL_SESV2, AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL.

Exit status: 0 done, 1 the report failed (the error is printed), 2 bad arguments.
Output files are written only when the whole report succeeded (DEBUG=1 shows stack traces).`;

class UsageError extends Error {}

interface Options {
  readonly settings: MonitorSettings;
  readonly out?: string;
  readonly text?: string;
  readonly send: boolean;
  readonly sesRegion: string;
  readonly stateTable?: string;
}

export function parseOptions(argv: readonly string[]): Options | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        regions: { type: 'string' },
        out: { type: 'string' },
        text: { type: 'string' },
        send: { type: 'boolean', default: false },
        from: { type: 'string' },
        to: { type: 'string' },
        'ses-region': { type: 'string' },
        'configuration-set': { type: 'string' },
        'state-table': { type: 'string' },
        'time-zone': { type: 'string', default: 'UTC' },
        concurrency: { type: 'string', default: String(DEFAULTS.versionLookupConcurrency) },
        'recent-days': { type: 'string', default: String(DEFAULTS.recentlyCompletedDays) },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (!v.regions) throw new UsageError('--regions is required, for example --regions us-east-1,us-west-2');
  const regions = v.regions
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (regions.length === 0) throw new UsageError('--regions: expected a comma-separated list of Regions, got nothing');
  // A repeated Region is refused rather than dropped: it is usually a typo for another Region.
  regions.forEach((r, i) => {
    const problem = regionProblem(r);
    if (problem) throw new UsageError(`--regions: ${problem}, got ${JSON.stringify(r)}`);
    if (regions.indexOf(r) !== i) throw new UsageError(`--regions: ${r} is listed twice (list each Region once)`);
  });
  const sesRegion = v['ses-region'];
  if (sesRegion !== undefined && regionProblem(sesRegion)) {
    throw new UsageError(`--ses-region: ${regionProblem(sesRegion)}, got ${JSON.stringify(sesRegion)}`);
  }
  for (const flag of ['out', 'text'] as const) {
    const file = v[flag];
    if (file === undefined) continue;
    if (file.trim() === '') throw new UsageError(`--${flag}: expected a file name, got nothing`);
    const dir = dirname(resolve(file));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UsageError(`--${flag}: expected a file in an existing directory, got ${JSON.stringify(file)}`);
    }
    if (existsSync(file) && statSync(file).isDirectory()) {
      throw new UsageError(`--${flag}: expected a file, got the directory ${JSON.stringify(file)}`);
    }
  }
  if (v.out !== undefined && v.text !== undefined && resolve(v.out) === resolve(v.text)) {
    throw new UsageError(`--text: expected a file other than --out's, got ${JSON.stringify(v.text)} for both`);
  }
  if (v.send && (!v.from || !v.to)) throw new UsageError('--send needs --from <address> and --to <addresses>');
  const integer = (name: string, value: string): number => {
    if (!/^\d+$/.test(value)) throw new UsageError(`--${name} expects a whole number, got ${JSON.stringify(value)}`);
    return Number(value);
  };
  const result = monitorSettings.safeParse({
    ...DEFAULTS,
    regions,
    timeZone: v['time-zone'],
    // Settings need a sender and recipients; without --send they are never used.
    sender: v.from ?? 'not-sending@example.invalid',
    recipients: (v.to ?? 'not-sending@example.invalid').split(',').map((r) => r.trim()),
    configurationSet: v['configuration-set'],
    versionLookupConcurrency: integer('concurrency', v.concurrency),
    recentlyCompletedDays: integer('recent-days', v['recent-days']),
  });
  if (!result.success) {
    const flag: Record<string, string> = {
      regions: '--regions',
      timeZone: '--time-zone',
      sender: '--from',
      recipients: '--to',
      versionLookupConcurrency: '--concurrency',
      recentlyCompletedDays: '--recent-days',
    };
    throw new UsageError(
      result.error.issues.map((i) => `${flag[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  return {
    settings: result.data,
    out: v.out,
    text: v.text,
    send: v.send,
    sesRegion: sesRegion ?? regions[0],
    stateTable: v['state-table'],
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`sms:report: ${e.message.replace(/\s*\n\s*/g, ' ')} (run with --help for usage)\n`);
      return 2;
    }
    throw e;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const api = new SmsVoiceRegistrationApi();
  const dynamodb = options.stateTable ? new DynamoDBClient({ region: options.sesRegion }) : undefined;
  const ses = options.send ? new SESv2Client({ region: options.sesRegion }) : undefined;
  try {
    const result = await runReport(
      {
        api,
        store: options.stateTable && dynamodb ? new DynamoDbStateStore(options.stateTable, dynamodb) : undefined,
        mailer: ses ? new SesMailer(ses) : undefined,
        log: {
          info: (message, extra) => process.stderr.write(`${message}${extra ? ` ${JSON.stringify(extra)}` : ''}\n`),
          warn: (message, extra) =>
            process.stderr.write(`WARNING ${message}${extra ? ` ${JSON.stringify(extra)}` : ''}\n`),
        },
      },
      options.settings,
      { send: options.send, reportKey: options.send ? `manual#${new Date().toISOString()}` : undefined },
    );
    if (result.mail) {
      writeAll([
        ...(options.out ? [[options.out, result.mail.html] as const] : []),
        ...(options.text ? [[options.text, result.mail.text] as const] : []),
      ]);
      if (!options.out && !options.text) process.stdout.write(result.mail.text);
    }
    process.stderr.write(
      `${result.total} registrations, ${result.actionNeeded} need action` +
        `${options.out ? `; HTML: ${options.out}` : ''}${options.text ? `; text: ${options.text}` : ''}` +
        `${result.outcome === 'sent' ? `; sent, message ID ${result.messageId}` : ''}` +
        `${result.outcome === 'unchanged' ? '; not sent: nothing changed' : ''}\n`,
    );
    return 0;
  } catch (e) {
    process.stderr.write(`sms:report failed: ${oneLine(e)}\n`);
    return 1;
  } finally {
    api.destroy();
    dynamodb?.destroy();
    ses?.destroy();
  }
}

/** The error on one line; its stack only with DEBUG=1. */
function oneLine(e: unknown): string {
  if (process.env.DEBUG) return (e as Error).stack ?? String(e);
  return String((e as Error)?.message ?? e).replace(/\s+/g, ' ');
}

/** Writes every file or none: each goes to a temporary file first, renamed into place once all are written. */
function writeAll(files: readonly (readonly [string, string])[]): void {
  const temps: string[] = [];
  try {
    for (const [file, content] of files) {
      const temp = `${file}.${process.pid}.tmp`;
      temps.push(temp);
      writeFileSync(temp, content, { flag: 'wx' });
    }
    files.forEach(([file], i) => renameSync(temps[i], file));
  } finally {
    for (const temp of temps) rmSync(temp, { force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`sms:report failed: ${oneLine(e)}\n`);
      process.exit(1);
    },
  );
}
