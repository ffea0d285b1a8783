import { spawnSync } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Building the Flink jobs with Maven, shared by the jar asset (cdk synth) and the local runner
// (npm run alerting:local). Both rebuild only when the sources are newer than what was built.

/** The Maven project of the Flink jobs. */
export const FLINK_DIR = join(__dirname, '..', '..', 'flink');

/** The shaded application jar the pom's shade plugin writes (finalName alerting-flink). */
export const JAR_FILE = 'alerting-flink.jar';

/**
 * What goes into the jar: anything else under flink/ (tests, benchmarks, build output) neither
 * changes the asset hash nor triggers a rebuild.
 */
export const JAR_SOURCE_EXCLUDES: readonly string[] = ['target', 'src/test', 'src/bench', '.idea', '*.iml', '.vscode'];

/** Newest modification time (ms) of the files that shape the jar: pom.xml and src/main. */
export function newestSourceTime(flinkDir: string = FLINK_DIR): number {
  let newest = 0;
  const pom = join(flinkDir, 'pom.xml');
  if (existsSync(pom)) newest = statSync(pom).mtimeMs;
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(flinkDir, 'src', 'main'));
  return newest;
}

/** True when `artifact` exists and is at least as new as every source of the jar. */
export function isFresh(artifact: string, flinkDir: string = FLINK_DIR): boolean {
  return existsSync(artifact) && statSync(artifact).mtimeMs >= newestSourceTime(flinkDir);
}

export class MavenBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MavenBuildError';
  }
}

/**
 * Runs `mvn -q -f <flinkDir>/pom.xml <goal> -DskipTests` and passes Maven's output (quiet: errors
 * only) on to stderr as whole lines without terminal escapes: Debian's Maven writes a colour reset
 * without a newline even in batch mode, which would glue the caller's next line onto it.
 * Throws a {@link MavenBuildError} saying what to do when Maven is missing or the build fails.
 */
export function runMaven(goal: 'package' | 'compile', flinkDir: string = FLINK_DIR): void {
  const pom = join(flinkDir, 'pom.xml');
  if (!existsSync(pom)) throw new MavenBuildError(`${pom} does not exist: the Flink jobs are missing`);
  const result = spawnSync('mvn', ['-q', '-B', '-Dstyle.color=never', '-f', pom, goal, '-DskipTests'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = stripVTControlCharacters(`${result.stdout ?? ''}${result.stderr ?? ''}`).trimEnd();
  if (output) process.stderr.write(`${output}\n`);
  if (result.error) {
    throw new MavenBuildError(
      `cannot run mvn (${result.error.message}): install Maven 3.8+ and JDK 17 (see README, Prerequisites)`,
    );
  }
  if (result.status !== 0) {
    throw new MavenBuildError(
      `mvn ${goal} in ${flinkDir} failed with exit code ${result.status}; see its output above`,
    );
  }
}

/** Builds the application jar if it is missing or older than its sources; returns its path. */
export function ensureJar(flinkDir: string = FLINK_DIR): string {
  const jar = join(flinkDir, 'target', JAR_FILE);
  if (!isFresh(jar, flinkDir)) {
    runMaven('package', flinkDir);
    if (!existsSync(jar)) {
      throw new MavenBuildError(`mvn package succeeded but ${jar} is missing: check the shade plugin's finalName`);
    }
  }
  return jar;
}
