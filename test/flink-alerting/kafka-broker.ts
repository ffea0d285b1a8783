// A real single-node Kafka broker (KRaft, PLAINTEXT) for tests, started in its own JVM from the
// Kafka jars the Flink project already uses for its own broker test. No Docker.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { REPO_ROOT } from '../helpers/app';
import { freePort } from '../../testing/shared/free-port';

const POM = join(REPO_ROOT, 'flink', 'pom.xml');
const CACHE = join(REPO_ROOT, '.cache', 'kafka-broker-classpath.txt');

/** The test classpath of the Flink project (it holds kafka_2.13), cached until the pom changes. */
function classpath(): string {
  if (existsSync(CACHE) && statSync(CACHE).mtimeMs >= statSync(POM).mtimeMs) return readFileSync(CACHE, 'utf8').trim();
  mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true });
  const result = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      POM,
      'dependency:build-classpath',
      '-Dmdep.includeScope=test',
      `-Dmdep.outputFile=${CACHE}`,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0 || !existsSync(CACHE)) {
    throw new Error(`cannot resolve the Kafka classpath with Maven:\n${result.stdout}\n${result.stderr}`);
  }
  const cp = readFileSync(CACHE, 'utf8').trim();
  if (!cp.includes('kafka_2.13')) throw new Error('the Flink test classpath has no kafka_2.13 jar');
  return cp;
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class KafkaBroker {
  private process?: ChildProcess;
  private dir = '';
  private log = '';
  port = 0;

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 90_000): Promise<void> {
    const cp = classpath();
    this.dir = mkdtempSync(join(tmpdir(), 'kraft-'));
    this.port = await freePort();
    const controller = await freePort();
    const props = join(this.dir, 'server.properties');
    writeFileSync(
      props,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${controller}`,
        `listeners=PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${controller}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${this.port}`,
        'controller.listener.names=CONTROLLER',
        'inter.broker.listener.name=PLAINTEXT',
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        `log.dirs=${join(this.dir, 'data')}`,
        'offsets.topic.replication.factor=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        'auto.create.topics.enable=false',
        '',
      ].join('\n'),
    );
    const clusterId = randomBytes(16).toString('base64url');
    // `--cluster-id=<id>` in one argument: a base64url ID may start with '-', which the tool's
    // parser would otherwise take for an option.
    const format = spawnSync(
      'java',
      ['-cp', cp, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', props],
      {
        encoding: 'utf8',
      },
    );
    if (format.status !== 0) throw new Error(`kafka storage format failed:\n${format.stdout}\n${format.stderr}`);
    this.process = spawn('java', ['-Xmx512m', '-cp', cp, 'kafka.Kafka', props], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => (this.log = (this.log + chunk.toString()).slice(-8000));
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) throw new Error(`the Kafka broker exited:\n${this.log}`);
      // The broker logs nothing without a log4j config; an answered metadata request means ready.
      if ((await portOpen(this.port)) && (await this.answers())) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    await this.stop();
    throw new Error(`the Kafka broker did not start within ${timeoutMs} ms:\n${this.log}`);
  }

  private async answers(): Promise<boolean> {
    const admin = new Kafka({ brokers: [this.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return true;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      const exited = await Promise.race([
        new Promise<boolean>((r) => child.once('exit', () => r(true))),
        new Promise<boolean>((r) => setTimeout(() => r(false), 15_000)),
      ]);
      if (!exited) child.kill('SIGKILL');
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
