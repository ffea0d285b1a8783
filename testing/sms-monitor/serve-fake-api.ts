// Runs the local pinpoint-sms-voice-v2 server on its own, to try the report command without AWS:
//
//   npx tsx testing/sms-monitor/serve-fake-api.ts [--port 4599] [--data example|hostile|<count>] [--latency <ms>]
//
// then, in another shell, with the printed endpoint:
//
//   AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2=http://127.0.0.1:4599 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \
//     npm run sms:report -- --regions us-east-1,us-west-2 --out report.html
import { parseArgs } from 'node:util';
import { exampleRegistrations, generateRegistrations, hostileRegistrations } from './datasets';
import { FakeSmsVoiceApi, SMS_VOICE_ENDPOINT_ENV } from './fake-sms-api';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4599' },
      data: { type: 'string', default: 'example' },
      latency: { type: 'string', default: '0' },
      regions: { type: 'string', default: 'us-east-1,us-west-2' },
    },
  });
  const regions = values.regions.split(',');
  const data: Record<string, ReturnType<typeof exampleRegistrations>> = {};
  for (const region of regions) {
    if (values.data === 'example') data[region] = exampleRegistrations(region);
    else if (values.data === 'hostile') data[region] = hostileRegistrations(region);
    else if (/^\d+$/.test(values.data)) data[region] = generateRegistrations({ region, count: Number(values.data) });
    else throw new Error(`--data must be example, hostile or a number, got ${values.data}`);
  }
  const api = new FakeSmsVoiceApi(data);
  api.latencyMs = Number(values.latency);
  const url = await api.start(Number(values.port));
  const counts = regions.map((r) => `${r}: ${api.registrations(r).length}`).join(', ');
  process.stdout.write(`pinpoint-sms-voice-v2 on ${url} (${counts})\nexport ${SMS_VOICE_ENDPOINT_ENV}=${url}\n`);
  const stop = (): void => {
    void api.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
