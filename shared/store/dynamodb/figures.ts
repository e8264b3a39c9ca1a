/** The program's figures as stored: numbers are counters, string sets are sets (written by `writes.ts` with each change). */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FigureStore, StoredFigures } from '../ports/figures.ts';
import { statsKeys } from './keys.ts';
import { batchGet } from './reads.ts';

export class DynamoDbFigureStore implements FigureStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async readStats(shop: string, buckets: string[]): Promise<StoredFigures[]> {
    const keys = buckets.flatMap((bucket) => statsKeys(shop, bucket));
    return (await batchGet(this.client, this.tableName, keys)).map((item) => {
      const counters: Record<string, number> = {};
      const sets: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(item)) {
        if (value.N !== undefined) counters[name] = Number(value.N);
        if (value.SS !== undefined) sets[name] = value.SS;
      }
      return { counters, sets };
    });
  }
}
