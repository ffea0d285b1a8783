import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildSyncDocument,
  decodeUsers,
  documentBytes,
  encodeUsers,
  parameterRoomBytes,
  productParameterPattern,
  usersParameterPattern,
  VERSION_PARAMETER_PATTERN,
} from '../../lambda/license-orchestration/core/sync-document';

const USER_ID = '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$';
const USER_LISTS = { bucket: 'user-lists-bucket', region: 'eu-west-1' };

describe('sync document parameters', () => {
  const users = new RegExp(usersParameterPattern(USER_ID));
  const product = new RegExp(productParameterPattern([{ name: 'cad-suite' }, { name: 'sim-tool' }]));
  const version = new RegExp(VERSION_PARAMETER_PATTERN);

  it('accept complete lists, including the empty list', () => {
    expect(users.test(encodeUsers([]))).toBe(true);
    expect(users.test(encodeUsers(['bob', 'alice', 'j.doe@corp']))).toBe(true);
    expect(encodeUsers(['bob', 'alice'])).toBe('users:alice,bob');
    expect(decodeUsers('users:')).toEqual([]);
    expect(decodeUsers('users:alice,bob')).toEqual(['alice', 'bob']);
  });

  it('reject anything a shell could read as syntax', () => {
    for (const bad of [
      'users:alice;reboot',
      'users:$(id)',
      'users:`id`',
      'users:a b',
      'users:alice,',
      'users:,alice',
      'alice',
      'users:a\nb',
      "users:a'b",
    ]) {
      expect(users.test(bad), bad).toBe(false);
    }
    expect(product.test('cad-suite')).toBe(true);
    expect(product.test('cad-suite;id')).toBe(false);
    expect(product.test('other')).toBe(false);
    expect(version.test('42')).toBe(true);
    expect(version.test('4 2')).toBe(false);
  });

  it('are passed as environment variables and never appear as {{ }} in the script', () => {
    const doc = buildSyncDocument({
      products: [{ name: 'cad-suite', command: 'echo hi' }],
      userIdPattern: USER_ID,
      userLists: USER_LISTS,
      executionTimeoutSeconds: 120,
    }) as {
      parameters: Record<string, { interpolationType: string; allowedPattern: string }>;
      mainSteps: { inputs: { runCommand: string[] } }[];
    };
    for (const p of Object.values(doc.parameters)) {
      expect(p.interpolationType).toBe('ENV_VAR');
      expect(p.allowedPattern).toMatch(/^\^.*\$$/);
    }
    expect(JSON.stringify(doc.mainSteps)).not.toContain('{{');
  });
});

/** Runs the document's script with /bin/sh as the SSM agent would, with SSM_* set from `params`. */
function runScript(
  params: Record<string, string>,
  stateDir: string,
  commands: Record<string, string>,
  extraEnv: Record<string, string> = {},
) {
  const doc = buildSyncDocument({
    products: Object.entries(commands).map(([name, command]) => ({ name, command })),
    userIdPattern: USER_ID,
    userLists: USER_LISTS,
    executionTimeoutSeconds: 60,
  }) as { mainSteps: { inputs: { runCommand: string[] } }[] };
  const script = join(stateDir, '..', 'script.sh');
  writeFileSync(script, doc.mainSteps[0].inputs.runCommand.join('\n'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LICENSE_ORCHESTRATION_STATE_DIR: stateDir,
    ...extraEnv,
  };
  for (const [k, v] of Object.entries(params)) env[`SSM_${k}`] = v;
  return spawnSync('/bin/sh', [script], { env, encoding: 'utf8' });
}

describe('sync document script (run with /bin/sh)', () => {
  const work = () => {
    const dir = mkdtempSync(join(tmpdir(), 'license-doc-'));
    return { dir, state: join(dir, 'state'), out: join(dir, 'out') };
  };

  it('runs the product command with the user list as a file and variables, and records the version', () => {
    const w = work();
    const result = runScript({ product: 'cad-suite', users: 'users:alice,bob', version: '7' }, w.state, {
      'cad-suite': `cp "$LICENSE_USERS_FILE" ${w.out}; echo "$LICENSE_PRODUCT $LICENSE_VERSION $LICENSE_USERS" >> ${w.out}`,
      'sim-tool': 'exit 9',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(w.out, 'utf8')).toBe('alice\nbob\ncad-suite 7 alice,bob\n');
    expect(readFileSync(join(w.state, 'cad-suite.version'), 'utf8')).toBe('7\n');
    expect(result.stdout).toContain('applied cad-suite version 7 (2 users)');
  });

  it('passes an empty list as an empty file', () => {
    const w = work();
    const result = runScript({ product: 'cad-suite', users: 'users:', version: '1' }, w.state, {
      'cad-suite': `wc -c < "$LICENSE_USERS_FILE" > ${w.out}`,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(w.out, 'utf8').trim()).toBe('0');
  });

  it('skips a version older than the applied one, so a late command cannot undo a newer list', () => {
    const w = work();
    const cmd = { 'cad-suite': `echo "$LICENSE_VERSION" >> ${w.out}` };
    expect(runScript({ product: 'cad-suite', users: 'users:a', version: '5' }, w.state, cmd).status).toBe(0);
    const late = runScript({ product: 'cad-suite', users: 'users:b', version: '4' }, w.state, cmd);
    expect(late.status).toBe(0);
    expect(late.stdout).toContain('older than the applied version 5: skipped');
    expect(runScript({ product: 'cad-suite', users: 'users:c', version: '5' }, w.state, cmd).status).toBe(0);
    expect(readFileSync(w.out, 'utf8')).toBe('5\n5\n');
  });

  it('fails, keeping the applied version, when the product command fails', () => {
    const w = work();
    runScript({ product: 'cad-suite', users: 'users:a', version: '1' }, w.state, { 'cad-suite': 'true' });
    const result = runScript({ product: 'cad-suite', users: 'users:a', version: '2' }, w.state, {
      'cad-suite': 'exit 4',
    });
    expect(result.status).toBe(4);
    expect(readFileSync(join(w.state, 'cad-suite.version'), 'utf8')).toBe('1\n');
  });

  it('never evaluates parameter values, even ones the pattern would have refused', () => {
    const w = work();
    const marker = join(w.dir, 'pwned');
    const result = runScript(
      { product: 'cad-suite', users: `users:$(touch ${marker}),\`touch ${marker}\``, version: '1' },
      w.state,
      {
        'cad-suite': `cat "$LICENSE_USERS_FILE" > ${w.out}`,
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(w.out, 'utf8')).toContain('$(touch');
  });

  it('refuses to run without the SSM_* variables (an agent too old for ENV_VAR interpolation)', () => {
    const w = work();
    const result = runScript({}, w.state, { 'cad-suite': 'true' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('SSM Agent 3.3.2746.0 or later is required');
  });

  it('keeps a command that closes its branch and opens another inside its own branch', () => {
    const w = work();
    const marker = join(w.dir, 'pwned');
    const commands = {
      'cad-suite': `echo cad >> ${w.out}\n    ;;\n  'evil')\n    touch ${marker}`,
    };
    const evil = runScript({ product: 'evil', users: 'users:a', version: '1' }, w.state, commands);
    expect(evil.status).toBe(3);
    expect(existsSync(marker)).toBe(false);
  });

  it("runs every product's command when another product's command has an unterminated here-document", () => {
    const w = work();
    const commands = {
      'cad-suite': 'cat > /dev/null <<EOF\nnever ended',
      'sim-tool': `printf '%s\\n' "it's \\"quoted\\"" > ${w.out}\ncat >> ${w.out} <<'END'\n$LICENSE_PRODUCT\nEND`,
    };
    const result = runScript({ product: 'sim-tool', users: 'users:a', version: '1' }, w.state, commands);
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(w.out, 'utf8')).toBe('it\'s "quoted"\n$LICENSE_PRODUCT\n');
  });

  it('parses with bash -n whatever the commands contain', () => {
    const hostile = ['a\n;;\n*) reboot', 'cat <<EOF', "'", '"', 'esac', '$(', '`', 'x\u202Ey', '\u0000'];
    const doc = buildSyncDocument({
      products: hostile.map((command, i) => ({ name: `p${i}`, command })),
      userIdPattern: USER_ID,
      userLists: USER_LISTS,
      executionTimeoutSeconds: 60,
    }) as { mainSteps: { inputs: { runCommand: string[] } }[] };
    const check = spawnSync('bash', ['-n'], { input: doc.mainSteps[0].inputs.runCommand.join('\n'), encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stderr).toBe('');
  });

  it('counts the commands as sent (base64, 4/3 of their size) against the 64 KB', () => {
    const products = Array.from({ length: 7 }, (_, i) => ({ name: `p${i}`, command: 'x'.repeat(3900) }));
    const doc = buildSyncDocument({
      products,
      userIdPattern: USER_ID,
      userLists: USER_LISTS,
      executionTimeoutSeconds: 60,
    });
    expect(documentBytes(doc)).toBeGreaterThan((7 * 3900 * 4) / 3);
    expect(parameterRoomBytes(doc, products)).toBeLessThan(0);
  });

  it('rejects a product it has no command for', () => {
    const w = work();
    const result = runScript({ product: 'other', users: 'users:a', version: '1' }, w.state, { 'cad-suite': 'true' });
    expect(result.status).toBe(3);
  });
});

/**
 * A stand-in for the AWS CLI on PATH: `aws s3api get-object --region R --bucket B --key K FILE`
 * copies $FAKE_S3/B/K to FILE (and fails like the CLI when it is missing). The script against the
 * real CLI and moto: test/license-orchestration/user-list-handoff.int.test.ts.
 */
function fakeAws(dir: string): Record<string, string> {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'aws'),
    [
      '#!/bin/sh',
      'while [ $# -gt 1 ]; do',
      '  case "$1" in --bucket) bucket=$2; shift 2 ;; --key) key=$2; shift 2 ;; --region) shift 2 ;; *) shift ;; esac',
      'done',
      'cp "$FAKE_S3/$bucket/$key" "$1" 2>/dev/null || { echo "An error occurred (NoSuchKey)" >&2; exit 254; }',
    ].join('\n'),
    { mode: 0o755 },
  );
  return { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, FAKE_S3: join(dir, 's3') };
}

describe('sync document script with a handed-over list', () => {
  const users = ['alice', 'bob', 'carol'];
  const body = users.map((u) => `${u}\n`).join('');
  const sha256 = createHash('sha256').update(body).digest('hex');
  const key = `user-lists/cad-suite/7-${sha256}`;
  const setUp = (content: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'license-doc-'));
    const env = fakeAws(dir);
    mkdirSync(join(dir, 's3', USER_LISTS.bucket, 'user-lists', 'cad-suite'), { recursive: true });
    writeFileSync(join(dir, 's3', USER_LISTS.bucket, key), content);
    return { dir, env, state: join(dir, 'state'), out: join(dir, 'out') };
  };
  const command = (out: string) => `cp "$LICENSE_USERS_FILE" ${out}; echo "\${LICENSE_USERS-unset}" >> ${out}`;
  /** The script for cad-suite version 7 handed over as `key`, with `params` replacing any parameter. */
  const handOff = (w: ReturnType<typeof setUp>, params: Record<string, string> = {}) =>
    runScript(
      { product: 'cad-suite', users: 'users:', usersObject: key, usersSha256: sha256, version: '7', ...params },
      w.state,
      { 'cad-suite': command(w.out) },
      w.env,
    );

  it('reads the object, checks its sha256 and gives the command the list as a file only', () => {
    const w = setUp(body);
    const result = handOff(w);
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(w.out, 'utf8')).toBe(`${body}unset\n`);
    expect(readFileSync(join(w.state, 'cad-suite.version'), 'utf8')).toBe('7\n');
    expect(result.stdout).toContain('applied cad-suite version 7 (3 users)');
  });

  it('refuses an object whose sha256 differs, before the product command runs', () => {
    const w = setUp(`${body}mallory\n`);
    const result = handOff(w);
    expect(result.status).toBe(5);
    expect(result.stderr).toContain(`not ${sha256}: refused`);
    expect(existsSync(w.out)).toBe(false);
    expect(existsSync(join(w.state, 'cad-suite.version'))).toBe(false);
  });

  it('fails, naming the object, when the object cannot be read', () => {
    const w = setUp(body);
    const missing = `user-lists/cad-suite/8-${sha256}`;
    const result = handOff(w, { usersObject: missing, version: '8' });
    expect(result.status).toBe(4);
    expect(result.stderr).toContain(`could not read s3://${USER_LISTS.bucket}/${missing}`);
    expect(existsSync(w.out)).toBe(false);
  });

  it('refuses an object together with a non-empty users value, or without a sha256', () => {
    const w = setUp(body);
    for (const params of [{ users: 'users:dave' }, { usersSha256: '' }] as Record<string, string>[]) {
      const result = handOff(w, params);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('usersObject needs');
    }
    expect(existsSync(w.out)).toBe(false);
  });

  it('accepts only keys under the list prefix for a configured product, and only a hex sha256', () => {
    const doc = buildSyncDocument({
      products: [{ name: 'cad-suite', command: 'true' }],
      userIdPattern: USER_ID,
      userLists: USER_LISTS,
      executionTimeoutSeconds: 60,
    }) as { parameters: Record<string, { allowedPattern: string; default?: string }> };
    const object = new RegExp(doc.parameters.usersObject.allowedPattern);
    const digest = new RegExp(doc.parameters.usersSha256.allowedPattern);
    expect(object.test(key)).toBe(true);
    expect(object.test('')).toBe(true);
    for (const bad of [`user-lists/sim-tool/7-${sha256}`, `other/cad-suite/7-${sha256}`, `${key}/../x`, `${key};id`]) {
      expect(object.test(bad), bad).toBe(false);
    }
    expect(digest.test(sha256)).toBe(true);
    expect(digest.test(sha256.toUpperCase())).toBe(false);
    expect(doc.parameters.usersObject.default).toBe('');
    expect(doc.parameters.usersSha256.default).toBe('');
  });
});
