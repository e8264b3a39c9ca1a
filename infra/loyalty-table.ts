/**
 * The single DynamoDB table, built from the same definition the local runtime and the tests use
 * (`shared/store/dynamodb/table.ts`), so keys and indexes cannot drift apart.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import type { AttributeDefinition, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { Construct } from 'constructs';
import { TTL_ATTRIBUTE, tableDefinition } from '../shared/store/dynamodb/table.ts';

export interface LoyaltyTableProps {
  readonly removalPolicy: RemovalPolicy;
  /** Refuse DeleteTable, whoever asks (CloudFormation included). */
  readonly deletionProtection: boolean;
}

export class LoyaltyTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: LoyaltyTableProps) {
    super(scope, id);
    // The name is CloudFormation's to choose, so stages can share an account.
    const definition = tableDefinition('unused');
    const attributes = definition.AttributeDefinitions ?? [];
    const key = (schema: KeySchemaElement[] | undefined, type: 'HASH' | 'RANGE') => keyAttribute(schema, type, attributes);

    if (definition.BillingMode !== 'PAY_PER_REQUEST') throw new Error(`the table definition asks for ${definition.BillingMode} billing; the stack only knows on-demand`);
    this.table = new Table(this, 'Table', {
      partitionKey: required(key(definition.KeySchema, 'HASH'), 'the table\'s partition key'),
      sortKey: key(definition.KeySchema, 'RANGE'),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      ...(definition.StreamSpecification?.StreamEnabled ? { stream: definition.StreamSpecification.StreamViewType as StreamViewType } : {}),
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });

    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      const indexName = required(index.IndexName, 'a global secondary index name');
      const projectionType = required(index.Projection?.ProjectionType, `${indexName}'s projection`) as ProjectionType;
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: required(key(index.KeySchema, 'HASH'), `${indexName}'s partition key`),
        sortKey: key(index.KeySchema, 'RANGE'),
        projectionType,
        ...(projectionType === ProjectionType.INCLUDE ? { nonKeyAttributes: index.Projection?.NonKeyAttributes } : {}),
      });
    }
  }
}

const ATTRIBUTE_TYPES: Record<string, AttributeType> = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY };

function keyAttribute(schema: KeySchemaElement[] | undefined, keyType: 'HASH' | 'RANGE', definitions: AttributeDefinition[]): Attribute | undefined {
  const name = schema?.find((element) => element.KeyType === keyType)?.AttributeName;
  if (name === undefined) return undefined;
  const type = ATTRIBUTE_TYPES[definitions.find((definition) => definition.AttributeName === name)?.AttributeType ?? ''];
  if (type === undefined) throw new Error(`the key attribute ${name} has no S, N or B definition`);
  return { name, type };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the table definition lacks ${what}`);
  return value;
}
