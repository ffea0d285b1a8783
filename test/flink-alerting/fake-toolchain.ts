import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway Maven project and stand-ins for `mvn` and `java`, so the build-on-demand logic of the
 * jar asset and the local runner is tested without the real (slow) Maven build. The fake mvn
 * writes what the real pom writes (the shaded jar, classes, the local classpath) and logs its calls.
 */
export interface FakeToolchain {
  readonly flinkDir: string;
  readonly binDir: string;
  /** Calls of the fake mvn, one line each (its arguments). */
  mvnCalls(): string[];
  /** Arguments of the last fake java run. */
  javaArgs(): string[];
  /** Makes the next mvn runs fail with exit code 1. */
  breakMaven(): void;
}

export function fakeToolchain(): FakeToolchain {
  const root = mkdtempSync(join(tmpdir(), 'fake-flink-'));
  const flinkDir = join(root, 'flink');
  const binDir = join(root, 'bin');
  mkdirSync(join(flinkDir, 'src', 'main', 'java', 'alerting'), { recursive: true });
  mkdirSync(join(flinkDir, 'src', 'test', 'java'), { recursive: true });
  mkdirSync(binDir);
  writeFileSync(
    join(flinkDir, 'pom.xml'),
    '<project><properties><flink.jvm.opens>--add-opens=java.base/java.lang=ALL-UNNAMED</flink.jvm.opens></properties></project>\n',
  );
  writeFileSync(join(flinkDir, 'src', 'main', 'java', 'alerting', 'Job.java'), 'class Job {}\n');
  writeFileSync(join(flinkDir, 'src', 'test', 'java', 'JobTest.java'), 'class JobTest {}\n');
  const log = join(root, 'mvn.log');
  const javaLog = join(root, 'java.log');
  const broken = join(root, 'broken');
  writeFileSync(
    join(binDir, 'mvn'),
    `#!/bin/sh
echo "$*" >> '${log}'
[ -f '${broken}' ] && { echo 'fake mvn: failing on purpose (test of the failure path)' >&2; exit 1; }
mkdir -p '${flinkDir}/target/classes/alerting/local'
echo jar > '${flinkDir}/target/alerting-flink.jar'
echo class > '${flinkDir}/target/classes/alerting/local/LocalRunner.class'
echo '/deps/a.jar:/deps/b.jar' > '${flinkDir}/target/local-classpath.txt'
`,
  );
  writeFileSync(
    join(binDir, 'java'),
    `#!/bin/sh
if [ "$1" = "-version" ]; then echo 'openjdk version "17.0.15" 2025-04-15' >&2; exit 0; fi
printf '%s\\n' "$@" > '${javaLog}'
exit 0
`,
  );
  chmodSync(join(binDir, 'mvn'), 0o755);
  chmodSync(join(binDir, 'java'), 0o755);
  return {
    flinkDir,
    binDir,
    mvnCalls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []),
    javaArgs: () => (existsSync(javaLog) ? readFileSync(javaLog, 'utf8').trim().split('\n') : []),
    breakMaven: () => writeFileSync(broken, ''),
  };
}
