import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { verify } from '../../lambda/flink-alerting/notifier/signing';
import { freePort } from '../helpers/moto-global-setup';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Whether the HMAC signature checked out with the receiver's secret. */
  readonly signatureValid: boolean;
  /** The status the receiver answered. */
  readonly status: number;
}

/**
 * A local webhook receiver, as a customer would run one: it checks the HMAC signature and the
 * timestamp, answers 401 to a bad one, and can be told to fail the next requests (with a status
 * and optional Retry-After) to exercise the notifier's retries and dead-letter path.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private failures: Array<{ status: number; retryAfter?: string }> = [];
  private server?: Server;
  url = '';

  constructor(public secret: string) {}

  async start(): Promise<void> {
    const port = await freePort();
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const signatureValid = verify(
          this.secret,
          {
            signature: req.headers['x-alerting-signature'] as string | undefined,
            timestamp: req.headers['x-alerting-timestamp'] as string | undefined,
          },
          body,
          Math.floor(Date.now() / 1000),
        );
        const failure = this.failures.shift();
        const status = !signatureValid ? 401 : (failure?.status ?? 204);
        this.requests.push({ path: req.url ?? '', headers: req.headers, body, signatureValid, status });
        if (failure?.retryAfter) res.setHeader('retry-after', failure.retryAfter);
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${port}/hooks/alerts`;
  }

  /** The next `count` requests get `status` (then the receiver accepts again). */
  failNext(count: number, status: number, retryAfter?: string): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, retryAfter });
  }

  /** Accepted requests' bodies, parsed. */
  accepted(): Array<{ version: number; deliveryId: string; alerts: Array<Record<string, unknown>> }> {
    return this.requests.filter((r) => r.status < 300).map((r) => JSON.parse(r.body));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
