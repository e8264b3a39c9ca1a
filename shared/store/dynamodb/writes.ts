/** Pieces of transactions that more than one seam writes: the revision a stored record must still be at. */
import { marshall } from '@aws-sdk/util-dynamodb';

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
