/**
 * Every shop, every language: program content saved in the admin and served in the customer's
 * language through the App Proxy and the customer account routes, and the default program in the
 * shop's own currency, over DynamoDB Local.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { customerHeaders, customerSessionToken } from '../support/customer-tokens.ts';
import { paidOrder } from '../support/fixtures.ts';
import { json, sessionToken, SHOP, testService } from '../support/http.ts';

const NOW = '2026-06-01T12:00:00Z';
let service: Awaited<ReturnType<typeof testService>>;

async function admin(path: string, init: RequestInit & { shop?: string } = {}) {
  const token = await sessionToken({ at: new Date(NOW), ...(init.shop ? { shop: init.shop } : {}) });
  return service.app.request(`/admin${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
}

async function customer(path: string, headers: Record<string, string> = {}) {
  const token = await customerSessionToken({ at: new Date(NOW), customerId: '801' });
  return service.app.request(`/customer${path}`, { headers: customerHeaders(token, headers) });
}

const content = {
  defaultLocale: 'en',
  translations: {
    fr: { programName: 'Club fidélité', tiers: { Gold: { name: 'Or', description: 'Livraison offerte toute l’année' }, Silver: { name: 'Argent' } }, rewards: { 'five-off': { name: '5 € de remise', description: 'Sur votre prochaine commande' } } },
    de: { tiers: { Silver: { name: 'Silber' } }, rewards: { 'free-shipping': { name: 'Kostenloser Versand' } } },
  },
};

let saved: any;

beforeAll(async () => {
  service = await testService(NOW);
  await service.webhook('orders/paid', paidOrder({ id: 1, customerId: 801, subtotal: '600.00', at: '2026-05-10T10:00:00Z' }));
  const { program } = await json(await admin('/program'));
  program.tiers[2].description = 'Free shipping all year';
  program.rewards[0].description = 'On your next order';
  const response = await admin('/program', { method: 'PUT', body: JSON.stringify({ ...program, content }) });
  expect(response.status).toBe(200);
  saved = await json(response);
});

describe('program content per locale, in the admin', () => {
  it('saves translations and descriptions, and shows them back with the shop’s currency', async () => {
    const answer = await json(await admin('/program'));
    expect(answer.currency).toBe('USD');
    expect(answer.version).toBe(saved.version);
    expect(answer.program.content).toEqual(content);
    expect(answer.program.tiers[2]).toMatchObject({ name: 'Gold', description: 'Free shipping all year' });
  });

  it('shows a program without content with an empty one, and the currency as unknown before any order', async () => {
    const answer = await json(await admin('/program', { shop: 'fresh-shop.myshopify.com' }));
    expect(answer.currency).toBeNull();
    expect(answer.program.content).toEqual({ defaultLocale: 'en', translations: {} });
  });

  it('answers 422 beside the field for a tier or reward the program does not have, and changes nothing', async () => {
    const { program } = await json(await admin('/program'));
    program.content.translations.fr.tiers.Platinum = { name: 'Platine' };
    program.content.translations.de.rewards['no-such-reward'] = { name: 'Nichts' };
    program.content.translations['not a locale'] = {};
    const response = await admin('/program', { method: 'PUT', body: JSON.stringify(program) });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const paths = (await json(response)).problems.map((problem: { path: string }) => problem.path);
    expect(paths).toEqual(expect.arrayContaining(['content.translations.fr.tiers.Platinum', 'content.translations.de.rewards.no-such-reward', 'content.translations.not a locale']));
    expect((await json(await admin('/program'))).version).toBe(saved.version);
  });

  it('keeps the content when a program is sent without it, less what names a tier no longer there', async () => {
    const { program } = await json(await admin('/program', { shop: 'rename-shop.myshopify.com' }));
    const put = (body: unknown) => admin('/program', { shop: 'rename-shop.myshopify.com', method: 'PUT', body: JSON.stringify(body) });
    expect((await put({ ...program, content })).status).toBe(200);
    const { content: _left, ...withoutContent } = program;
    withoutContent.tiers[2].name = 'Platinum';
    expect((await put(withoutContent)).status).toBe(200);
    const after = (await json(await admin('/program', { shop: 'rename-shop.myshopify.com' }))).program;
    expect(after.content.translations.fr.tiers).toEqual({ Silver: { name: 'Argent' } });
    expect(after.content.translations.fr.rewards['five-off'].name).toBe('5 € de remise');
  });
});

describe('program content in the customer’s language', () => {
  it('answers /proxy/program in the locale the widget asks for, with descriptions, and says which', async () => {
    const french = await json(await service.proxy('/program', { extra: { locale: 'fr' } }));
    expect(french.locale).toBe('fr');
    expect(french.programName).toBe('Club fidélité');
    expect(french.tiers.map((tier: { name: string }) => tier.name)).toEqual(['Bronze', 'Argent', 'Or']);
    expect(french.tiers[2]).toMatchObject({ description: 'Livraison offerte toute l’année', minSpend: '1500.00' });
    expect(french.rewards[0]).toMatchObject({ id: 'five-off', name: '5 € de remise', description: 'Sur votre prochaine commande', cost: 500 });
    // What French leaves out is in the program's own language.
    expect(french.rewards[1].name).toBe('10% off your order');
  });

  it('falls back from a region to its language, and to the program’s own language', async () => {
    expect((await json(await service.proxy('/program', { extra: { locale: 'fr-CA' } }))).locale).toBe('fr');
    const japanese = await json(await service.proxy('/program', { extra: { locale: 'ja' } }));
    expect(japanese.locale).toBe('en');
    expect(japanese.tiers[2]).toMatchObject({ name: 'Gold', description: 'Free shipping all year' });
    expect(japanese.programName).toBeUndefined();
    expect((await json(await service.proxy('/program'))).tiers[1].name).toBe('Silver');
  });

  it('answers the member in their language: tier, next tier and rewards', async () => {
    const member = await json(await service.proxy('/member', { customerId: '801', extra: { locale: 'fr-FR' } }));
    expect(member).toMatchObject({ locale: 'fr', tier: 'Argent', nextTier: { name: 'Or', remaining: '900.00', currency: 'USD' } });
    expect(member.rewards[0]).toMatchObject({ name: '5 € de remise', description: 'Sur votre prochaine commande', affordable: true });
  });

  it('answers the customer account routes by Accept-Language', async () => {
    const program = await json(await customer('/program', { 'accept-language': 'it;q=0.9, de-CH;q=0.8, en;q=0.1' }));
    expect(program.locale).toBe('de');
    expect(program.tiers[1].name).toBe('Silber');
    expect(program.rewards[2].name).toBe('Kostenloser Versand');
    const member = await json(await customer('/member', { 'accept-language': 'fr-BE' }));
    expect(member).toMatchObject({ locale: 'fr', tier: 'Argent' });
    expect((await json(await customer('/member'))).tier).toBe('Silver');
  });

  it('answers 400 to a locale that is not a language tag', async () => {
    const response = await service.proxy('/program', { extra: { locale: '<script>' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('default programs in the shop’s currency', () => {
  it('gives a shop whose first order is in yen the yen default, and earns by it', async () => {
    const shop = 'yen-shop.myshopify.com';
    const answer = await json(await service.webhook('orders/paid', paidOrder({ id: 11, customerId: 901, subtotal: '8800', currency: 'JPY', at: '2026-05-20T10:00:00Z' }), { shop }));
    expect(answer).toMatchObject({ outcome: 'applied', points: 88 });
    const { currency, program } = await json(await admin('/program', { shop }));
    expect(currency).toBe('JPY');
    expect(program.earning.pointsPerUnit).toBe(0.01);
    expect(program.tiers.map((tier: { minSpend: number }) => tier.minSpend)).toEqual([0, 50_000, 150_000]);
    expect(program.rewards[0]).toMatchObject({ name: '¥500 off your order', value: 500 });
    const member = await service.member('901', shop);
    expect(member).toMatchObject({ currency: 'JPY', tier: 'Bronze', nextTier: { name: 'Silver', minSpend: '50000', remaining: '41200' } });
  });

  it('gives the yen default to a shop first seen on the storefront, once its first order names the currency', async () => {
    const shop = 'seen-first.myshopify.com';
    expect((await json(await service.proxy('/program', { shop }))).tiers[1].minSpend).toBe('500.00');
    await service.webhook('orders/paid', paidOrder({ id: 12, customerId: 902, subtotal: '10000', currency: 'JPY', at: '2026-05-20T10:00:00Z' }), { shop });
    const program = await json(await service.proxy('/program', { shop }));
    expect(program).toMatchObject({ currency: 'JPY', earning: { pointsPerUnit: 0.01 } });
    expect(program.tiers[1].minSpend).toBe('50000');
  });

  it('never replaces a program its store owner saved, whatever the first order’s currency', async () => {
    const shop = 'saved-first.myshopify.com';
    const { program } = await json(await admin('/program', { shop }));
    program.signupBonus = 250;
    expect((await admin('/program', { shop, method: 'PUT', body: JSON.stringify(program) })).status).toBe(200);
    const answer = await json(await service.webhook('orders/paid', paidOrder({ id: 13, customerId: 903, subtotal: '1000', currency: 'JPY', at: '2026-05-20T10:00:00Z' }), { shop }));
    expect(answer.points).toBe(1000);
    const after = await json(await admin('/program', { shop }));
    expect(after).toMatchObject({ currency: 'JPY', program: { signupBonus: 250, earning: { pointsPerUnit: 1 } } });
    expect(after.program.tiers[1].minSpend).toBe(500);
  });

  it('keeps the contract’s default for a shop in dollars', async () => {
    const { currency, program } = await json(await admin('/program'));
    expect(currency).toBe('USD');
    expect(program.earning.pointsPerUnit).toBe(1);
    expect(program.tiers.map((tier: { minSpend: number }) => tier.minSpend)).toEqual([0, 500, 1500]);
    expect((await service.member('801')).balance).toBe(600);
    expect(SHOP).toBe('test-shop.myshopify.com');
  });
});
