/**
 * cdk-nag (v3) reports IAM wildcards per finding, `AwsSolutions-IAM5[Resource::<LogicalId.Arn>/index/*]`,
 * and an acknowledgment must name the finding exactly: this spells it for a resource in the stack.
 */
import { Stack, type CfnElement } from 'aws-cdk-lib';

export function wildcardResourceFinding(resource: CfnElement, arnSuffix: string): string {
  const stack = Stack.of(resource);
  const logicalId: unknown = stack.resolve(stack.getLogicalId(resource));
  return `AwsSolutions-IAM5[Resource::<${String(logicalId)}.Arn>${arnSuffix}]`;
}
