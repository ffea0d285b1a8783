// Report time and API calls of the monitor against the local SMS API server with 50 ms latency per
// call, for 1,000 and 10,000 registrations of which 30% need a version look-up, side by side with a
// port of the source design's algorithm (sequential, first page only) in the same process. The API
// server runs in a process of its own, so its work is not charged to either algorithm.
//
//   npx tsx bench/sms-monitor/report-time.ts            # sequential-with-pagination measured at 1,000, estimated at 10,000
//   BENCH_FULL=1 npx tsx bench/sms-monitor/report-time.ts  # also measure it at 10,000 (about 3 minutes)
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { SmsVoiceRegistrationApi } from '../../lambda/sms-monitor/adapters/sms-voice-api';
import { runReport } from '../../lambda/sms-monitor/core/run-report';
import { SMS_MONITOR_SETTING_DEFAULTS } from '../../config/schema/sms-monitor';
import { monitorSettings } from '../../lambda/sms-monitor/core/settings';
import { generateRegistrations } from '../../testing/sms-monitor/datasets';
import { SMS_VOICE_ENDPOINT_ENV } from '../../testing/sms-monitor/fake-sms-api';
import { sourceDesignCollect } from './source-design-port';

const LATENCY_MS = 50;
const REGION = 'us-east-1';
const SIZES = [1000, 10_000];

const ROOT = join(__dirname, '..', '..');
/** The server's default page size (the source design passes no MaxResults). */
const DEFAULT_PAGE_SIZE = 20;

interface Measure {
  readonly ms: number;
  readonly calls: number;
  readonly registrations: number;
}

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
}

/** Starts the local API server in its own process with `size` generated registrations. */
async function startServer(size: number): Promise<Server> {
  const child = spawn(
    join(ROOT, 'node_modules/.bin/tsx'),
    [
      join(ROOT, 'testing/sms-monitor/serve-fake-api.ts'),
      '--port',
      '0',
      '--data',
      String(size),
      '--latency',
      String(LATENCY_MS),
      '--regions',
      REGION,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const found = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (found) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`API server exited with ${code}`)));
  });
  return { url, child };
}

async function calls(server: Server): Promise<number> {
  const counts = (await (await fetch(`${server.url}/__calls`)).json()) as Record<string, number>;
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

async function measure(server: Server, run: () => Promise<number>): Promise<Measure> {
  await fetch(`${server.url}/__reset`, { method: 'POST' });
  const start = performance.now();
  const registrations = await run();
  const ms = performance.now() - start;
  return { ms, calls: await calls(server), registrations };
}

async function main(): Promise<void> {
  process.env.AWS_ACCESS_KEY_ID ??= 'bench';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
  const settings = monitorSettings.parse({
    ...SMS_MONITOR_SETTING_DEFAULTS,
    regions: [REGION],
    timeZone: 'UTC',
    sender: 'bench@example.com',
    recipients: ['bench@example.com'],
  });
  const now = new Date('2025-06-02T09:00:00Z');
  let perCallMs = LATENCY_MS;

  for (const size of SIZES) {
    const server = await startServer(size);
    process.env[SMS_VOICE_ENDPOINT_ENV] = server.url;
    const client = new PinpointSMSVoiceV2Client({ region: REGION });
    // The same data the server generated (same generator, same defaults).
    const needLookups = generateRegistrations({ region: REGION, count: size }).filter(
      (r) => r.RegistrationStatus === 'REQUIRES_UPDATES' || r.RegistrationStatus === 'COMPLETE',
    ).length;

    const ours = await measure(server, async () => {
      const api = new SmsVoiceRegistrationApi();
      try {
        return (await runReport({ api, now: () => now }, settings, { send: false })).total;
      } finally {
        api.destroy();
      }
    });
    const firstPage = await measure(
      server,
      async () => (await sourceDesignCollect(client, { paginate: false, now })).seen,
    );

    let sequential: Measure & { estimated: boolean };
    if (size <= 1000 || process.env.BENCH_FULL === '1') {
      sequential = {
        ...(await measure(server, async () => (await sourceDesignCollect(client, { paginate: true, now })).seen)),
        estimated: false,
      };
      perCallMs = sequential.ms / sequential.calls;
    } else {
      // Same algorithm, every page: its calls are known exactly; time them at the per-call cost
      // measured for the 1,000-registration run.
      const count = Math.ceil(size / DEFAULT_PAGE_SIZE) + needLookups;
      sequential = { ms: count * perCallMs, calls: count, registrations: size, estimated: true };
    }
    client.destroy();
    server.child.kill('SIGTERM');

    process.stdout.write(
      [
        `${size} registrations (${needLookups} need a version look-up), ${LATENCY_MS} ms per call`,
        `  this monitor                       ${fmt(ours)}`,
        `  source design (first page only)    ${fmt(firstPage)}  -> misses ${size - firstPage.registrations} of ${size}`,
        `  source design, if it paginated     ${fmt(sequential)}${sequential.estimated ? '  (estimated: calls x measured ms per call)' : ''}`,
        `  speed-up over the paginated sequential algorithm: ${(sequential.ms / ours.ms).toFixed(1)}x` +
          `; registrations found: ${ours.registrations}/${size} vs ${firstPage.registrations}/${size}`,
        '',
        '',
      ].join('\n'),
    );
  }
}

function fmt(m: Measure): string {
  return `${(m.ms / 1000).toFixed(2).padStart(7)} s  ${String(m.calls).padStart(6)} API calls  ${String(m.registrations).padStart(6)} registrations`;
}

void main();
