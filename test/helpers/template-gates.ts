// The template gates of scripts/template-gates.sh, run over a cloud assembly a test synthesized:
// cfn-lint with the serverless rules, the IAM gate with parliament, and checkov.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './app';

export interface TemplateGateResults {
  /** Templates the cfn-lint and IAM gates read, from their summary lines. */
  readonly templatesRead: { readonly cfnLint: number; readonly iam: number };
  /** Each gate's findings, one line each; a gate that passes has none. */
  readonly findings: { readonly cfnLint: string[]; readonly iam: string[]; readonly checkov: string[] };
}

const VENV_BIN = join(REPO_ROOT, '.venv', 'bin');

// The repository's acknowledgements cover every system; those of systems not in the assembly find
// nothing there, which is no finding.
const UNUSED_ACKNOWLEDGEMENT =
  /^\.(cfn-lint|iam)-gate\.yaml: (parliament )?acknowledgement of .* matches no (finding|policy); remove it$/;
const GATE_SUMMARY_OR_NOTE = /^(cfn-lint-gate|iam-gate): /;

/**
 * Runs the gates with the repository's acknowledgements and checkov skips. `templates` are the
 * template files to check (a StackSet's member templates are not among the assembly's stacks);
 * checkov reads the whole `assemblyDirectory`.
 */
export function runTemplateGates(assemblyDirectory: string, templates: readonly string[]): TemplateGateResults {
  const python = (script: string, ...args: string[]) =>
    run(join(VENV_BIN, 'python'), [script, ...args, '--', ...templates]);
  const cfnLint = python('scripts/cfn-lint-gate.py', '--acknowledgements', '.cfn-lint-gate.yaml');
  const iam = python('scripts/iam-gate.py', '--acknowledgements', '.iam-gate.yaml', '--parliament');
  const checkov = run(join(VENV_BIN, 'checkov'), ['--config-file', '.checkov.yaml', '-d', assemblyDirectory]);
  return {
    templatesRead: { cfnLint: templatesRead('cfn-lint-gate', cfnLint), iam: templatesRead('iam-gate', iam) },
    findings: { cfnLint: gateFindings(cfnLint), iam: gateFindings(iam), checkov: checkovFindings(checkov) },
  };
}

function run(command: string, args: string[]): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.error) throw result.error;
  return result;
}

function templatesRead(gate: string, result: SpawnSyncReturns<string>): number {
  return Number(new RegExp(`^${gate}: (\\d+) templates`, 'm').exec(result.stdout)?.[1] ?? 0);
}

function gateFindings(result: SpawnSyncReturns<string>): string[] {
  // A gate that fails before checking (cfn-lint itself failing) prints no template count, which
  // templatesRead shows as 0.
  return `${result.stdout}${result.stderr}`
    .split('\n')
    .filter((l) => l.trim() !== '' && !UNUSED_ACKNOWLEDGEMENT.test(l) && !GATE_SUMMARY_OR_NOTE.test(l));
}

/** checkov's failed checks as "<check> <resource>"; its whole complaint when it did not report a clean scan. */
function checkovFindings(result: SpawnSyncReturns<string>): string[] {
  const failed: string[] = [];
  let check = '';
  for (const line of result.stdout.split('\n')) {
    check = /^Check: ([^:]+):/.exec(line)?.[1] ?? check;
    const resource = /FAILED for resource: (.*)$/.exec(line)?.[1];
    if (resource !== undefined) failed.push(`${check} ${resource.trim()}`);
  }
  if (failed.length > 0) return failed;
  if (result.status === 0 && /Failed checks: 0\b/.test(result.stdout)) return [];
  return [`checkov exited with ${result.status} without a clean scan: ${`${result.stdout}${result.stderr}`.trim()}`];
}
