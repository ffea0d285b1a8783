import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';
import { exampleTemplates } from '../helpers/example-templates';

// The global checkov skips in .checkov.yaml give reasons about the templates; these hold them to it.
const skips = readFileSync(join(REPO_ROOT, '.checkov.yaml'), 'utf8');
const resources = () =>
  exampleTemplates().flatMap((t) =>
    Object.entries(t.template.Resources ?? {}).map(([id, r]) => ({ at: `${t.stackName}/${id}`, ...r })),
  );

describe('reasons of the global checkov skips', () => {
  it('CKV_AWS_27: every queue uses SQS-managed encryption', () => {
    expect(skips).toContain('Every queue in the templates sets SqsManagedSseEnabled: true');
    const queues = resources().filter((r) => r.Type === 'AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThan(0);
    expect(queues.filter((q) => q.Properties?.SqsManagedSseEnabled !== true).map((q) => q.at)).toEqual([]);
  });

  it('CKV_AWS_115: reserved concurrency only where the reason says (the license sync, 1)', () => {
    const reserved = resources().filter(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.ReservedConcurrentExecutions !== undefined,
    );
    expect(
      reserved.map((r) => [
        r.at.split('/')[1]!.replace(/[0-9A-F]{8}$/, ''),
        r.Properties?.ReservedConcurrentExecutions,
      ]),
    ).toEqual([['SyncFunction', 1]]);
  });

  it('CKV_AWS_117: the function that talks to MSK itself runs in the VPC; the notifier does not', () => {
    const fns = resources().filter((r) => r.Type === 'AWS::Lambda::Function');
    const inVpc = fns.filter((f) => f.Properties?.VpcConfig !== undefined).map((f) => f.at.split('/')[1]);
    expect(inVpc).toEqual([expect.stringMatching(/^KafkaAdminHandlerFunction/)]);
  });
});
