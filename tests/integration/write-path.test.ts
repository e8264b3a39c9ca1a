/**
 * The hot write path: what one `orders/paid` asks DynamoDB to write. Only what the event changes
 * for its member (member, order, lot, ledger entry), no delivery ids and no figures; the figures
 * follow from the change stream, and a replay under a new webhook id changes nothing.
 */
import type { TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { paidOrder } from '../support/fixtures.ts';
import { json, sessionToken, testService } from '../support/http.ts';

const NOW = '2026-05-02T12:00:00Z';
let service: Awaited<ReturnType<typeof testService>>;
const transactions: TransactWriteItemsCommandInput[] = [];
const reads: string[] = [];
const readKeys: string[] = [];

beforeAll(async () => {
  service = await testService(NOW);
  service.table.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') transactions.push(args.input as TransactWriteItemsCommandInput);
      if (context.commandName === 'BatchGetItemCommand' || context.commandName === 'GetItemCommand') reads.push(context.commandName);
      if (context.commandName === 'BatchGetItemCommand') {
        const request = (args.input as { RequestItems: Record<string, { Keys: { PK: { S: string }; SK: { S: string } }[] }> }).RequestItems;
        // The shop's partition holds more than the shop record (its campaigns): those are named by their sort key.
        readKeys.push(...Object.values(request).flatMap((table) => table.Keys.map((key) => (key.PK.S.startsWith('SHOP#') ? key.SK.S : key.PK.S.split('#')[0]!))));
      }
      return next(args);
    },
    { step: 'initialize', name: 'writePathSpy' },
  );
});

const partitionsOf = (input: TransactWriteItemsCommandInput) =>
  (input.TransactItems ?? []).map((item) => String((item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key)?.PK?.S).split('#')[0]);

describe('orders/paid', () => {
  it('writes four items in one transaction, the same on the shop’s first order and a later one, and reads the shop once per container', async () => {
    for (const [i, customer] of [[1, 8001], [2, 8002], [3, 8001]] as const) {
      transactions.length = 0;
      reads.length = 0;
      readKeys.length = 0;
      expect((await service.webhook('orders/paid', paidOrder({ id: 600 + i, customerId: customer, subtotal: '40.00', at: `2026-05-0${i}T10:00:00Z` }))).status).toBe(200);
      // The shop's first order also creates the shop record, once.
      const [write] = i === 1 ? transactions.slice(-1) : transactions;
      expect(transactions).toHaveLength(1);
      expect(partitionsOf(write!).sort()).toEqual(i === 1 ? ['MEMBER', 'MEMBER', 'MEMBER', 'ORDER', 'SHOP'] : ['MEMBER', 'MEMBER', 'MEMBER', 'ORDER']);
      expect(reads).toEqual(['BatchGetItemCommand']);
      // The shop is read once, then taken from the container's cache.
      expect(readKeys.filter((kind) => kind === 'SHOP')).toHaveLength(i === 1 ? 1 : 0);
      // So are its bonus campaigns, in the same batch (docs/campaigns.md).
      expect(readKeys.filter((kind) => kind === 'CAMPAIGNS')).toHaveLength(i === 1 ? 1 : 0);
    }
  });

  it('changes nothing when the same order arrives again under a new webhook id', async () => {
    const order = paidOrder({ id: 700, customerId: 8003, subtotal: '25.00', at: '2026-05-01T11:00:00Z' });
    expect((await service.webhook('orders/paid', order)).status).toBe(200);
    const before = await service.member('8003');
    transactions.length = 0;
    expect((await service.webhook('orders/paid', order)).status).toBe(200);
    expect(transactions).toEqual([]);
    expect(await service.member('8003')).toEqual(before);
  });

  it('leaves the figures to the stream: they appear once it is read', async () => {
    const token = await sessionToken({ at: new Date(NOW) });
    const kpis = async () => json(await service.app.request('/admin/kpis?from=2026-05-01&to=2026-05-05', { headers: { authorization: `Bearer ${token}` } }));
    transactions.length = 0;
    await service.webhook('orders/paid', paidOrder({ id: 800, customerId: 8004, subtotal: '10.00', at: '2026-05-04T10:00:00Z' }));
    expect(transactions.flatMap(partitionsOf)).not.toContain('STATS');
    await service.figures();
    const settled = await kpis();
    expect(settled).toMatchObject({ orders: 5, buyers: 4, repeatCustomers: 1 });
    expect(transactions.flatMap(partitionsOf)).toContain('STATS');
  });
});
