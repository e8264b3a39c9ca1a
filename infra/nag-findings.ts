/**
 * cdk-nag (v3) reports IAM wildcards per finding, `AwsSolutions-IAM5[Resource::<LogicalId.Arn>/index/*]`,
 * and an acknowledgment must name the finding exactly: this spells it for a resource in the stack.
 */
import { Stack, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function wildcardResourceFinding(resource: CfnElement, arnSuffix: string): string {
  const stack = Stack.of(resource);
  const logicalId: unknown = stack.resolve(stack.getLogicalId(resource));
  return `AwsSolutions-IAM5[Resource::<${String(logicalId)}.Arn>${arnSuffix}]`;
}

/**
 * The same for a wildcard ARN written out (`arn:aws:ses:<region>:<account>:identity/*`): cdk-nag
 * names it as it reads it in the template, references as `<LogicalId>` or `<AWS::Region>`.
 */
export function wildcardArnFinding(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(arn))}]`;
}

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(flatten).join(join[0]);
  const ref = (value as { Ref?: string }).Ref;
  if (ref !== undefined) return `<${ref}>`;
  throw new Error(`cannot spell the cdk-nag finding for ${JSON.stringify(value)}`);
}
