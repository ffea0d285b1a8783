import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_PROGRAM, serviceInstallCommands } from '../../lib/privatelink-failover/service-script';
import { freePort } from '../../testing/shared/free-port';

// Runs the instances' program with the local Python 3 (the instances run it with AL2023's).
describe('provider service program', () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plf-service-'));
    writeFileSync(join(dir, 'server.py'), SERVICE_PROGRAM);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn('python3', [join(dir, 'server.py')], {
      env: { ...process.env, PORT: String(port), SERVICE_REGION: 'us-east-1', SERVICE_NAME: 'payments' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
  });

  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('answers the load balancer health check on /health', async () => {
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
    const head = await fetch(`${url}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('says which Region served the request', async () => {
    const res = await fetch(`${url}/`);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ service: 'payments', region: 'us-east-1' });
  });

  it('answers 404 elsewhere', async () => {
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });

  it('is installed as a hardened systemd service without a login user', () => {
    const script = serviceInstallCommands({ port: 8080, region: 'eu-west-1', serviceName: 'payments' }).join('\n');
    expect(script).toContain(SERVICE_PROGRAM);
    expect(script).toContain('Environment=PORT=8080 SERVICE_REGION=eu-west-1 SERVICE_NAME=payments');
    for (const line of ['DynamicUser=yes', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'Restart=always']) {
      expect(script).toContain(line);
    }
    expect(script).toMatch(/systemctl enable --now privatelink-service\.service$/);
  });
});
