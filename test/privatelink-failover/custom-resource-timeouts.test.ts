import { describe, expect, it } from 'vitest';
import { exampleTemplates } from '../helpers/example-templates';

// A custom resource's ServiceTimeout (1 to 3600 s, CloudFormation resource reference) must
// outlast its Lambda handler's timeout (at most 900 s, Lambda developer guide), so a handler that
// runs out of time has reported (or been reported) before CloudFormation gives up.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
const TYPES = ['Custom::FailoverManifest', 'Custom::VpcAssociation', 'Custom::VpcAssociationAuthorization'];

describe('PrivateLink failover custom resources', () => {
  it('give CloudFormation a ServiceTimeout longer than the handler timeout', () => {
    let seen = 0;
    for (const t of exampleTemplates()) {
      const resources = t.template.Resources ?? {};
      for (const [id, r] of Object.entries(resources)) {
        if (!TYPES.includes(r.Type)) continue;
        seen++;
        const token = r.Properties?.ServiceToken as { 'Fn::GetAtt'?: [string, string] };
        const fn = resources[token['Fn::GetAtt']![0]]!;
        expect(fn.Type, `${t.stackName}/${id}`).toBe('AWS::Lambda::Function');
        const handlerTimeout = Number(fn.Properties?.Timeout);
        const serviceTimeout = Number(r.Properties?.ServiceTimeout);
        expect(handlerTimeout, `${t.stackName}/${id}`).toBeLessThanOrEqual(900);
        expect(serviceTimeout, `${t.stackName}/${id}`).toBeLessThanOrEqual(3600);
        expect(serviceTimeout, `${t.stackName}/${id}`).toBeGreaterThan(handlerTimeout);
      }
    }
    expect(seen).toBeGreaterThanOrEqual(4);
  });
});
