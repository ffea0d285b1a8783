import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
function runScript(params: Record<string, string>, stateDir: string, commands: Record<string, string>) {
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
