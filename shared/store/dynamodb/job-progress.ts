/** Where a job's pass over a shop stands: one small item in the shop's partition. */
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { JobProgress, JobProgressStore } from '../ports/job-progress.ts';
import { jobProgressKey } from './keys.ts';

export class DynamoDbJobProgress implements JobProgressStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async jobProgress(shop: string, job: string): Promise<JobProgress | undefined> {
    const answer = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(jobProgressKey(shop, job)), ConsistentRead: true }));
    if (!answer.Item) return undefined;
    const { pass, cursor, done, updatedAt } = unmarshall(answer.Item) as JobProgress;
    return { pass, ...(cursor ? { cursor } : {}), done, updatedAt };
  }

  async saveJobProgress(shop: string, job: string, progress: JobProgress): Promise<void> {
    await this.client.send(
      new PutItemCommand({ TableName: this.tableName, Item: marshall({ ...jobProgressKey(shop, job), entity: 'job-progress', ...progress }, { removeUndefinedValues: true }) }),
    );
  }
}
