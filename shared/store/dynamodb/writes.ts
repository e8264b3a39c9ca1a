/**
 * Pieces of transactions that more than one seam writes: the figures a change moves, and the
 * revision a stored record must still be at.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { StatsUpdate } from '../../kpis/stats-types.ts';
import { statsKey } from './keys.ts';

/**
 * Counter and set updates, one write per item (a transaction may touch an item once): ADD is
 * commutative, so concurrent changes never lose a count and nothing is read first.
 */
export function statsWrites(TableName: string, shop: string, stats: StatsUpdate[]): TransactWriteItem[] {
  const merged = new Map<string, { key: { PK: string; SK: string }; add: Map<string, number>; addToSet: Map<string, Set<string>>; removeFromSet: Map<string, Set<string>> }>();
  for (const update of stats) {
    const key = statsKey(shop, update.bucket.kind === 'day' ? update.bucket.day : 'gauge', update.shardKey);
    let item = merged.get(key.PK);
    if (!item) merged.set(key.PK, (item = { key, add: new Map(), addToSet: new Map(), removeFromSet: new Map() }));
    for (const [name, by] of Object.entries(update.add)) item.add.set(name, (item.add.get(name) ?? 0) + by);
    for (const [name, values] of Object.entries(update.addToSet ?? {})) for (const v of values) (item.addToSet.get(name) ?? item.addToSet.set(name, new Set()).get(name)!).add(v);
    for (const [name, values] of Object.entries(update.removeFromSet ?? {})) for (const v of values) (item.removeFromSet.get(name) ?? item.removeFromSet.set(name, new Set()).get(name)!).add(v);
  }
  return [...merged.values()].flatMap(({ key, add, addToSet, removeFromSet }) => {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':entity': 'stats', ':shop': shop };
    const adds: string[] = [];
    const deletes: string[] = [];
    let n = 0;
    for (const [name, by] of add) if (by !== 0) (names[`#a${n}`] = name), (values[`:a${n}`] = by), adds.push(`#a${n} :a${n}`), n++;
    for (const [name, set] of addToSet) (names[`#a${n}`] = name), (values[`:a${n}`] = set), adds.push(`#a${n} :a${n}`), n++;
    for (const [name, set] of removeFromSet) (names[`#d${n}`] = name), (values[`:d${n}`] = set), deletes.push(`#d${n} :d${n}`), n++;
    if (adds.length === 0 && deletes.length === 0) return [];
    Object.assign(values, { ':owner': `OWNED#${shop}`, ':pk': key.PK });
    const expression = ['SET entity = :entity, shop = :shop, GSI2PK = :owner, GSI2SK = :pk', adds.length ? `ADD ${adds.join(', ')}` : '', deletes.length ? `DELETE ${deletes.join(', ')}` : ''].filter(Boolean).join(' ');
    return [{ Update: { TableName, Key: marshall(key), UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: marshall(values) } }];
  });
}

/**
 * A stored record must still be at the revision read; a new one must not exist yet. A redemption
 * also states the balance it needs, so the database itself refuses an overdraft.
 */
export function expectRev(rev: number, minBalance?: number) {
  if (rev === 0) return { ConditionExpression: 'attribute_not_exists(PK)' };
  const balance = minBalance === undefined ? '' : ' AND balance >= :minBalance';
  return {
    ConditionExpression: `#rev = :rev${balance}`,
    ExpressionAttributeNames: { '#rev': 'rev' },
    ExpressionAttributeValues: marshall({ ':rev': rev, ...(minBalance === undefined ? {} : { ':minBalance': minBalance }) }),
  };
}
