import { describe, expect, it } from 'vitest';
import { customerApi, type Member as AccountMember, type Program as AccountProgram } from '../../extensions/customer-account/src/api.ts';
import { localeFormat } from '../../extensions/customer-account/src/locale-format.ts';
import { messagesFor } from '../../extensions/customer-account/src/messages.ts';
import { rewardsView } from '../../extensions/customer-account/src/rewards-view.ts';
import { localizedProgram, requestedLocales, resolveLocale, contentKeptFor, type Content } from '../../shared/program/content.ts';
import { defaultProgram, InvalidProgramError, parseProgram, parseProgramSettings, type Program } from '../../shared/program/program.ts';

const content: Content = {
  defaultLocale: 'en',
  translations: {
    fr: { programName: 'Club fidélité', tiers: { Gold: { name: 'Or', description: 'Livraison offerte' } }, rewards: { 'five-off': { name: '5 de remise' } } },
    'pt-BR': { tiers: { Silver: { name: 'Prata' } } },
    de: { rewards: { 'free-shipping': { name: 'Kostenloser Versand', description: 'Auf jede Bestellung' } } },
  },
};
const program: Program = { ...defaultProgram, content };

function problemsOf(input: unknown): Record<string, string> {
  try {
    parseProgramSettings(input);
  } catch (error) {
    if (error instanceof InvalidProgramError) return Object.fromEntries(error.problems.map((p) => [p.path, p.message]));
    throw error;
  }
  return {};
}

describe('program content in the customer’s language', () => {
  it('finds the exact locale, then its language, then another region of it, else the default', () => {
    expect(resolveLocale(content, ['pt-BR'])).toBe('pt-BR');
    expect(resolveLocale(content, ['fr-CA'])).toBe('fr');
    expect(resolveLocale(content, ['pt-PT'])).toBe('pt-BR');
    expect(resolveLocale(content, ['it', 'de-AT'])).toBe('de');
    expect(resolveLocale(content, ['it'])).toBe('en');
    expect(resolveLocale(content, ['en-GB', 'fr'])).toBe('en');
    expect(resolveLocale(undefined, ['fr'])).toBe('en');
    expect(resolveLocale({ defaultLocale: 'fr', translations: { en: {} } }, ['es'])).toBe('fr');
  });

  it('reads Accept-Language by its weights, after the explicit locale, skipping malformed entries and q=0', () => {
    expect(requestedLocales(undefined, 'de;q=0.5, fr-CH, fr;q=0.9, *;q=0.1, it;q=0, ;;bad')).toEqual(['fr-CH', 'fr', 'de']);
    expect(requestedLocales('pt-BR', 'fr')).toEqual(['pt-BR', 'fr']);
    expect(requestedLocales(undefined, undefined)).toEqual([]);
  });

  it('translates what a locale names and keeps the rest in the default language', () => {
    const french = localizedProgram(program, ['fr-FR']);
    expect(french.locale).toBe('fr');
    expect(french.programName).toBe('Club fidélité');
    expect(french.program.tiers.map((tier) => tier.name)).toEqual(['Bronze', 'Silver', 'Or']);
    expect(french.program.tiers[2]?.description).toBe('Livraison offerte');
    expect(french.program.rewards.map((reward) => reward.name)).toEqual(['5 de remise', '10% off your order', 'Free shipping']);
    // Thresholds, costs and ids are the program's own.
    expect(french.program.tiers[2]?.minSpend).toBe(1500);
    expect(french.program.rewards[0]?.id).toBe('five-off');
    expect(localizedProgram(program, ['ja']).program).toBe(program);
  });

  it('accepts content and descriptions, and the default program stays the contract’s', () => {
    expect(parseProgram({}).content).toBeUndefined();
    const saved = parseProgramSettings({ ...defaultProgram, tiers: defaultProgram.tiers.map((t) => ({ ...t, description: `All about ${t.name}` })), content });
    expect(saved.content?.translations.fr?.tiers?.Gold?.name).toBe('Or');
    expect(saved.tiers[0]?.description).toBe('All about Bronze');
  });

  it('names each problem of the content beside its field: unknown tiers and rewards, bad locales, lengths, too many languages', () => {
    const problems = problemsOf({
      ...defaultProgram,
      content: {
        translations: {
          fr: { tiers: { Platinum: { name: 'Platine' } }, rewards: { 'no-such': { name: 'x' } } },
          french: {},
          en: {},
          de: { tiers: { Gold: { description: 'x'.repeat(301) } }, oops: {} },
        },
      },
    });
    expect(problems['content.translations.fr.tiers.Platinum']).toMatch(/no tier called "Platinum"/);
    expect(problems['content.translations.fr.rewards.no-such']).toMatch(/no reward with the id "no-such"/);
    expect(problems['content.translations.french']).toMatch(/not a locale/);
    expect(problems['content.translations.en']).toMatch(/program's own language/);
    expect(problems['content.translations.de.tiers.Gold.description']).toBe('The tier "Gold"’s description in de can be at most 300 characters long.');
    expect(Object.keys(problems).some((path) => path.startsWith('content.translations.de'))).toBe(true);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x${String.fromCharCode(97 + i)}`, {}]));
    expect(problemsOf({ ...defaultProgram, content: { translations: many } })['content.translations']).toMatch(/at most 20 languages/);
  });

  it('drops the translations of tiers and rewards a new version of the program no longer has', () => {
    const kept = contentKeptFor(content, { tiers: [{ name: 'Bronze' }, { name: 'Gold' }], rewards: [{ id: 'five-off', name: '5 off' }] });
    expect(kept?.translations.fr).toEqual({ programName: 'Club fidélité', tiers: { Gold: { name: 'Or', description: 'Livraison offerte' } }, rewards: { 'five-off': { name: '5 de remise' } } });
    expect(kept?.translations['pt-BR']).toEqual({ tiers: {} });
    expect(kept?.translations.de).toEqual({ rewards: {} });
  });
});

describe('the customer account page in the customer’s language', () => {
  const NOW = new Date('2026-06-01T12:00:00Z');
  const yenProgram: AccountProgram = { currency: 'JPY', earning: { pointsPerUnit: 0.01 }, signupBonus: 100, tiers: [{ name: 'Bronze', minSpend: '0', multiplier: 1 }, { name: 'Argent', minSpend: '50000', multiplier: 1.25 }], expiry: { days: 365 }, rewards: [] };
  const member: AccountMember = {
    customerId: '1001', enrolled: true, currency: 'JPY', balance: 700, pending: 0, tier: 'Argent', tierDescription: 'Des points plus vite', tierMultiplier: 1.25, tierSpend: '60000',
    nextTier: { name: 'Or', multiplier: 1.5, minSpend: '150000', remaining: '90000', currency: 'JPY' }, expiring: [],
    rewards: [{ id: 'five-off', name: '500 ¥ de remise', description: 'Sur votre prochaine commande', kind: 'fixed_amount', cost: 500, value: 500, affordable: true }],
  };

  it('asks the backend in the customer’s language with Accept-Language', async () => {
    const sent: Headers[] = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      sent.push(new Headers(init.headers));
      return new Response(JSON.stringify(yenProgram), { headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof globalThis.fetch;
    await customerApi({ appUrl: 'https://app.example', sessionToken: async () => 'token', locale: 'fr-CA', fetch }).program();
    await customerApi({ appUrl: 'https://app.example', sessionToken: async () => 'token', fetch }).program();
    expect(sent.map((headers) => headers.get('accept-language'))).toEqual(['fr-CA', null]);
  });

  it('shows the store owner’s descriptions, yen in the customer’s format and the rate as 1 point per ¥100', () => {
    // French writes yen as CLDR has it: "90 000 JPY", whole, with its own spaces.
    const view = rewardsView(member, yenProgram, NOW, { format: localeFormat('fr-FR', { timeZone: 'UTC' }), messages: messagesFor('fr-FR') });
    expect(view.tier).toBe('Argent tier');
    expect(view.tierDescription).toBe('Des points plus vite');
    expect(view.rewards[0]).toMatchObject({ name: '500 ¥ de remise', details: 'Sur votre prochaine commande' });
    expect(view.rewards[0]?.description).toMatch(/^500\sJPY off your order$/);
    expect(view.progress?.label).toMatch(/^Spend 90\s000\sJPY more to reach Or$/);
    expect(view.earning).toMatch(/^Earn 1 point for every 100\sJPY you spend\.$/);
  });
});
