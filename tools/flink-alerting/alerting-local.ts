// npm run alerting:local -- --monitors <monitors.json> --telemetry <telemetry.jsonl> --out <alerts.jsonl>
//
// Runs the real Flink alert job (and the baseline job when a monitor needs baselines) in Flink's
// embedded MiniCluster over local files, through the Java LocalRunner in flink/. Builds the
// classes with Maven first when they are missing or older than the sources.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { FLINK_DIR, MavenBuildError, newestSourceTime, runMaven } from '../../lib/flink-alerting/flink-build';

const MAIN_CLASS = 'alerting.local.LocalRunner';

const USAGE = `Usage: npm run alerting:local -- --monitors <monitors.json> --telemetry <telemetry.jsonl> --out <alerts.jsonl> [options]

Runs the Flink alert job (and the baseline job for baseline monitors) on your machine, in event
time, over the given files, and writes one alert (contract v1) per line, ordered by windowEnd.
The first run builds the jobs with Maven (mvn -q -f flink/pom.xml compile); later runs rebuild
only when flink/pom.xml or flink/src/main changed. Needs JDK 17 and Maven 3.8+.

Required:
  --monitors <file>    JSON array of monitors (contract v1), or {"monitors": [...]}
  --telemetry <file>   telemetry records (contract v1), one JSON object per line
  --out <file>         where the alerts are written (one JSON object per line)

Every other option goes to the job runner unchanged (--dead-letters, --late-events,
--baselines-out, --parallelism, --config, --watermark.out-of-orderness, ...); they are listed
below once the jobs are built.

Environment: ALERTING_FLINK_DIR (default flink/), JAVA (default java on PATH),
ALERTING_JAVA_OPTS (extra JVM options, e.g. -Xmx2g).
Exit codes: 0 ok, 1 job failure, 2 bad arguments, input files or build.`;

class UsageError extends Error {}

interface Layout {
  readonly flinkDir: string;
  readonly classes: string;
  readonly classpathFile: string;
  readonly stamp: string;
}

function layout(flinkDir: string): Layout {
  return {
    flinkDir,
    classes: join(flinkDir, 'target', 'classes'),
    classpathFile: join(flinkDir, 'target', 'local-classpath.txt'),
    // Outside flink/ on purpose: that tree belongs to the Java build.
    stamp: join(__dirname, '..', '..', '.cache', `alerting-local-${Buffer.from(flinkDir).toString('base64url')}.stamp`),
  };
}

/** Built, and built after the last change of pom.xml or src/main. */
function isBuilt(l: Layout): boolean {
  const runner = join(l.classes, ...MAIN_CLASS.split('.')) + '.class';
  if (!existsSync(runner) || !existsSync(l.classpathFile) || !existsSync(l.stamp)) return false;
  return statSync(l.stamp).mtimeMs >= newestSourceTime(l.flinkDir);
}

function ensureBuilt(l: Layout): void {
  if (isBuilt(l)) return;
  process.stderr.write(`alerting-local: building the Flink jobs in ${l.flinkDir} (mvn compile) ...\n`);
  const started = Date.now();
  runMaven('compile', l.flinkDir);
  if (!existsSync(l.classpathFile)) {
    throw new MavenBuildError(`the build did not write ${l.classpathFile} (maven-dependency-plugin build-classpath)`);
  }
  mkdirSync(dirname(l.stamp), { recursive: true });
  writeFileSync(l.stamp, `${new Date(started).toISOString()}\n`);
}

/** The JVM flags Flink needs on Java 17, from the pom (one source of truth with the tests). */
function jvmOpens(flinkDir: string): string[] {
  const pom = readFileSync(join(flinkDir, 'pom.xml'), 'utf8');
  const match = /<flink\.jvm\.opens>([^<]*)<\/flink\.jvm\.opens>/.exec(pom);
  return match ? match[1].split(/\s+/).filter(Boolean) : [];
}

function javaCommand(l: Layout, args: readonly string[]): { command: string; argv: string[] } {
  const classpath = [l.classes, readFileSync(l.classpathFile, 'utf8').trim()].filter(Boolean).join(delimiter);
  const extra = (process.env.ALERTING_JAVA_OPTS ?? '').split(/\s+/).filter(Boolean);
  return {
    command: process.env.JAVA ?? 'java',
    argv: [...jvmOpens(l.flinkDir), ...extra, '-cp', classpath, MAIN_CLASS, ...args],
  };
}

function checkJava(): void {
  const java = process.env.JAVA ?? 'java';
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (result.error) throw new UsageError(`cannot run ${java} (${result.error.message}): install JDK 17 or set JAVA`);
  const version = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`)?.[1];
  if (version && Number(version) < 17) throw new UsageError(`${java} is Java ${version}; the Flink jobs need Java 17+`);
}

/** A monitors file is a small JSON document; telemetry files may be large and are streamed. */
export const MAX_MONITORS_BYTES = 8 * 1024 * 1024;
const MAX_MONITORS_DEPTH = 32;

/** A path or value as printed in one line: control and bidirectional characters escaped. */
function printable(text: string): string {
  const shown = text.length > 200 ? `${text.slice(0, 200)}...` : text;
  return JSON.stringify(shown)
    .slice(1, -1)
    .replace(
      /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}

/** Deepest nesting of arrays and objects in JSON text, without parsing it (stops at `limit`). */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      max = Math.max(max, ++depth);
      if (max > limit) return max;
    } else if (c === ']' || c === '}') depth--;
  }
  return max;
}

/**
 * The monitors file's shape before the JVM starts: readable UTF-8 JSON of bounded size and depth,
 * an array of objects or {"monitors": [...]}. Each monitor's fields are checked by the job's own
 * contract parser (it refuses unknown fields), so local runs and the deployed job agree.
 */
function checkMonitorsFile(file: string): void {
  const size = statSync(file).size;
  if (size > MAX_MONITORS_BYTES) {
    throw new UsageError(
      `--monitors: expected a JSON file of at most ${MAX_MONITORS_BYTES / 1024 / 1024} MiB, got ${size} bytes`,
    );
  }
  const bytes = readFileSync(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(
      '--monitors: expected UTF-8 JSON text, got bytes that are not UTF-8 (a binary file or another encoding)',
    );
  }
  if (text.includes('\u0000')) throw new UsageError('--monitors: expected JSON text, got a binary file (NUL bytes)');
  if (text.trim() === '') throw new UsageError('--monitors: expected a JSON array of monitors, got an empty file');
  if (nestingDepth(text, MAX_MONITORS_DEPTH) > MAX_MONITORS_DEPTH) {
    throw new UsageError(`--monitors: expected JSON nested at most ${MAX_MONITORS_DEPTH} levels deep`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new UsageError(
      `--monitors: expected a JSON file of monitors, got a file that is not JSON (${(e as Error).message})`,
    );
  }
  const list =
    data !== null && typeof data === 'object' && !Array.isArray(data) && 'monitors' in data ? data.monitors : data;
  if (!Array.isArray(list)) {
    throw new UsageError('--monitors: expected a JSON array of monitors or {"monitors": [...]}');
  }
  list.forEach((m, i) => {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) {
      throw new UsageError(
        `--monitors: monitors[${i}]: expected a JSON object, got ${m === null ? 'null' : Array.isArray(m) ? 'an array' : typeof m}`,
      );
    }
  });
}

/** Checks the three required options and their files before anything is built. */
function checkArgs(args: readonly string[]): void {
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    if (args.indexOf(name, i + 1) >= 0) throw new UsageError(`${name}: expected once, given twice`);
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name}: missing value`);
    if (v.trim() === '') throw new UsageError(`${name}: expected a file path, got an empty value`);
    if (v.includes('\u0000')) throw new UsageError(`${name}: expected a file path, got a value with a NUL character`);
    return v;
  };
  const files: Record<string, string> = {};
  for (const name of ['--monitors', '--telemetry']) {
    const file = value(name);
    if (file === undefined) throw new UsageError(`${name} is required`);
    try {
      accessSync(file, constants.R_OK);
    } catch {
      throw new UsageError(`${name}: cannot read ${printable(resolve(file))}`);
    }
    if (!statSync(file).isFile()) throw new UsageError(`${name}: ${printable(resolve(file))} is not a file`);
    files[name] = resolve(file);
  }
  const out = value('--out');
  if (out === undefined) throw new UsageError('--out is required');
  const dir = dirname(resolve(out));
  if (!existsSync(dir)) throw new UsageError(`--out: directory ${printable(dir)} does not exist`);
  if (existsSync(out) && !statSync(out).isFile())
    throw new UsageError(`--out: ${printable(resolve(out))} is not a file`);
  for (const [name, file] of Object.entries(files)) {
    if (file === resolve(out))
      throw new UsageError(`--out: expected a file other than ${name} (it would be overwritten)`);
  }
  checkMonitorsFile(files['--monitors']);
}

/** Where main writes (the process's streams, or a test's buffers). */
export interface Output {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processOutput: Output = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Checks the arguments and files, builds the jobs if needed and runs them; returns the exit code. */
export function main(argv: readonly string[], io: Output = processOutput): number {
  const l = layout(resolve(process.env.ALERTING_FLINK_DIR ?? FLINK_DIR));
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(`${USAGE}\n`);
    if (isBuilt(l)) {
      const { command, argv: javaArgs } = javaCommand(l, ['--help']);
      const result = spawnSync(command, javaArgs, { encoding: 'utf8' });
      if (result.status === 0) io.stdout(`\nJob runner options:\n\n${result.stdout}`);
    } else {
      io.stdout('\n(Job runner options are listed here once the jobs are built: run once.)\n');
    }
    return 0;
  }
  try {
    checkArgs(argv);
    checkJava();
    ensureBuilt(l);
  } catch (e) {
    if (e instanceof UsageError || e instanceof MavenBuildError) {
      io.stderr(`alerting-local: error: ${e.message}\n`);
      if (e instanceof UsageError) io.stderr('Run with --help for usage.\n');
      return 2;
    }
    // Anything else (a file vanished between checks, EIO): one line; the stack only when asked.
    io.stderr(`alerting-local: error: ${(e as Error).message}\n`);
    if (process.env.DEBUG) io.stderr(`${(e as Error).stack}\n`);
    return 2;
  }
  const { command, argv: javaArgs } = javaCommand(l, argv);
  const result = spawnSync(command, javaArgs, { stdio: 'inherit' });
  if (result.error) {
    io.stderr(`alerting-local: error: cannot run ${command}: ${result.error.message}\n`);
    return 1;
  }
  return result.status ?? 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
