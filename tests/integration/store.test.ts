import { describe, expect, it } from 'vitest';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { processEvent } from '../../shared/earning/process-event.ts';
import type { OrderPaid } from '../../shared/earning/events.ts';
import { BusyError } from '../../shared/earning/errors.ts';
import { newMember } from '../../shared/earning/members.ts';
import { defaultProgram } from '../../shared/program/program.ts';
import { freshTable } from '../support/database.ts';

const shop = 'store-test.myshopify.com';
const now = new Date('2026-01-10T00:00:00Z');
const noWait = { maxAttempts: 5, backoff: async () => {} };

function paid(orderId: string, customerId = '42'): OrderPaid {
  return { kind: 'order-paid', orderId, customerId, at: '2026-01-05T00:00:00.000Z', currency: 'USD', subtotalMinor: 1000, giftCardMinor: 0, taxesIncluded: false, includedTaxMinor: 0, discountCodes: [] };
}

/** Makes the next `count` TransactWriteItems calls fail as DynamoDB does under contention. */
function injectTransactionConflicts(client: Awaited<ReturnType<typeof freshTable>>['client'], count: number) {
  let left = count;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand' && left > 0) {
        left--;
        throw new TransactionCanceledException({
          message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
          $metadata: {},
          CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
        });
      }
      return next(args);
    },
    { step: 'initialize', name: `injectConflicts${Math.random()}` },
  );
  return () => left;
}

describe('the DynamoDB store', () => {
  it('refuses a write based on a stale read', async () => {
    const { store } = await freshTable();
    const member = newMember(shop, '1', now.toISOString(), defaultProgram);
    expect(await store.commit({ shop, change: { member, lots: [], entries: [] }, idempotencyKeys: [], now })).toBe('committed');
    // Written again from the same (now stale) read:
    expect(await store.commit({ shop, change: { member: { ...member, balance: 5 }, lots: [], entries: [] }, idempotencyKeys: [], now })).toBe('conflict');
    expect((await store.getMember(shop, '1'))?.balance).toBe(0);
  });

  it('refuses a delivery whose idempotency key is recorded, writing nothing', async () => {
    const { store } = await freshTable();
    const member = newMember(shop, '2', now.toISOString(), defaultProgram);
    await store.commit({ shop, change: { lots: [], entries: [] }, idempotencyKeys: ['webhook:abc'], now });
    expect(await store.commit({ shop, change: { member, lots: [], entries: [] }, idempotencyKeys: ['webhook:abc'], now })).toBe('duplicate');
    expect(await store.getMember(shop, '2')).toBeUndefined();
  });

  it('retries transaction conflicts until the write lands, once', async () => {
    const { client, store } = await freshTable();
    const left = injectTransactionConflicts(client, 3);
    const outcome = await processEvent(store, { shop, event: paid('1'), now }, noWait);
    expect(outcome).toMatchObject({ outcome: 'applied', points: 10 });
    expect(left()).toBe(0);
    expect((await store.getMember(shop, '42'))?.balance).toBe(10);
  });

  it('gives up, writing nothing, when conflicts never end', async () => {
    const { client, store } = await freshTable();
    injectTransactionConflicts(client, 1000);
    await expect(processEvent(store, { shop, event: paid('1'), now }, noWait)).rejects.toThrow(BusyError);
    expect(await store.getMember(shop, '42')).toBeUndefined();
  });
});
