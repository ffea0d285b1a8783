import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '../../lambda/flink-alerting/core/signing';
import { freePort } from '../../testing/shared/free-port';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Whether the HMAC signature checked out with the receiver's secret. */
  readonly signatureValid: boolean;
  /** The status the receiver answered. */
  readonly status: number;
}

/** A throwaway self-signed certificate for 127.0.0.1 (the notifier posts over https only). */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-receiver-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]),
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A local webhook receiver (https, self-signed: clients in tests must accept its certificate), as a customer would run one: it checks the HMAC signature and the
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
    this.server = createServer(selfSignedCertificate(), (req, res) => {
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
    this.url = `https://127.0.0.1:${port}/hooks/alerts`;
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
