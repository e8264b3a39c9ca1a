import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TTL_ATTRIBUTE, tableDefinition } from '../../shared/store/dynamodb/table.ts';
import { synthesize, type Synthesized } from './synthesized-stack.ts';

describe('the table', () => {
  let prod: Synthesized;
  let dev: Synthesized;
  beforeAll(() => {
    prod = synthesize({ context: { stage: 'prod' } });
    dev = synthesize({ context: { stage: 'dev' } });
  });

  it('is billed on demand, with point-in-time recovery and TTL on the expiry attribute', () => {
    // prepare, act: synthesized once above
    // assess
    prod.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    prod.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('has the keys and the indexes of the shared table definition', () => {
    const definition = tableDefinition('any');

    const table = Object.values(prod.template.findResources('AWS::DynamoDB::Table'))[0]?.Properties as Record<string, unknown[]>;

    expect(table.KeySchema).toEqual(definition.KeySchema);
    expect(table.AttributeDefinitions).toEqual(expect.arrayContaining(definition.AttributeDefinitions ?? []));
    expect(table.AttributeDefinitions).toHaveLength(definition.AttributeDefinitions?.length ?? 0);
    const indexes = (definition.GlobalSecondaryIndexes ?? []).map((index) => ({ IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection }));
    expect(table.GlobalSecondaryIndexes).toEqual(indexes);
    expect(indexes.map((index) => index.Projection?.ProjectionType)).toEqual(['INCLUDE', 'KEYS_ONLY']);
  });

  it('is retained and deletion-protected outside dev', () => {
    prod.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('is destroyed with the stack, without deletion protection, in dev only', () => {
    dev.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('keeps a stage called like dev but not dev protected', () => {
    const staging = synthesize({ context: { stage: 'dev-2' } });

    staging.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
  });
});
