/**
 * The program's content in the customer's language: tier and reward names and descriptions (and
 * the program's own name) per locale, as the store owner writes them. The program's own `name`s
 * and `description`s are the shop's default language (`defaultLocale`, English when unset); each
 * entry of `translations` replaces what it names for one locale and leaves the rest as written.
 *
 * A customer's language is found as RFC 4647 "lookup" does: each locale the customer asks for,
 * most wanted first, exactly (`pt-BR`), then by its language (`pt-BR` → `pt`, then any `pt-…`);
 * when none matches, the shop's default. Pure: no I/O, no clock.
 */
import * as z from 'zod/mini';

/** BCP 47 as Shopify's storefronts name locales: `fr`, `pt-BR`, `zh-Hant-TW`, `es-419`. */
const LOCALE_TAG = /^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|\d{3}))?$/;

/** The most locales a program may carry, besides its own language. */
export const MAX_LOCALES = 20;
export const MAX_NAME = 60;
export const MAX_DESCRIPTION = 300;
const MAX_PROGRAM_NAME = 60;

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/** A tier's or a reward's description in the default language: what it gives, in a sentence or two. */
export const DescriptionSchema = text(MAX_DESCRIPTION);

const TextsSchema = z.strictObject({ name: z.optional(text(MAX_NAME)), description: z.optional(text(MAX_DESCRIPTION)) });

export const LocaleContentSchema = z.strictObject({
  programName: z.optional(text(MAX_PROGRAM_NAME)),
  /** By tier name, as the program's `tiers` name them. */
  tiers: z.optional(z.record(z.string(), TextsSchema)),
  /** By reward id. */
  rewards: z.optional(z.record(z.string(), TextsSchema)),
});

/** The program's optional `content` section. */
export const ContentSchema = z.object({
  /** The language the program's own names and descriptions are written in; `en` when absent. */
  defaultLocale: z.optional(z.string().check(z.regex(LOCALE_TAG, 'a locale such as "en", "fr" or "pt-BR"'))),
  /** By locale (`fr`, `pt-BR`). */
  translations: z.record(z.string(), LocaleContentSchema),
});

export type Content = z.output<typeof ContentSchema>;
export type LocaleContent = z.output<typeof LocaleContentSchema>;

export const DEFAULT_LOCALE = 'en';
/** What `GET /admin/program` shows for a program without content. */
export const noContent: Content = { defaultLocale: DEFAULT_LOCALE, translations: {} };

/** The parts of a program that content names and translates. */
export interface ProgramTexts {
  tiers: readonly { name: string; description?: string | undefined }[];
  rewards: readonly { id: string; name: string; description?: string | undefined }[];
  content?: Content | undefined;
}

export interface ContentProblem {
  path: string;
  message: string;
}

/** A content field in words: `content.translations.fr.tiers.Gold.name` is "Gold's name in fr". */
export function contentFieldLabel(path: readonly (string | number)[]): string | undefined {
  const [section, part, locale, group, key, field] = path.map(String);
  if (section !== 'content') return undefined;
  if (part === 'defaultLocale') return "The program's own language";
  if (part !== 'translations') return 'The languages section';
  if (locale === undefined) return 'The translations section';
  if (group === undefined) return `The ${locale} translation`;
  if (group === 'programName') return `The program name in ${locale}`;
  if ((group === 'tiers' || group === 'rewards') && key === undefined) return `The ${group === 'tiers' ? 'tier' : 'reward'} translations in ${locale}`;
  const owner = group === 'tiers' ? `The tier ${JSON.stringify(key ?? '')}` : group === 'rewards' ? `The reward ${JSON.stringify(key ?? '')}` : `The ${locale} setting ${JSON.stringify(group)}`;
  return field === undefined ? `${owner} in ${locale}` : `${owner}’s ${field} in ${locale}`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What the fields' own checks cannot see: locales written as BCP 47 tags, at most `MAX_LOCALES`,
 * not the default language again, and only tiers and rewards the program has. Reads the program
 * as sent (an invalid part elsewhere does not hide these problems).
 */
export function contentProblems(program: unknown): ContentProblem[] {
  if (!isObject(program) || !isObject(program.content) || !isObject(program.content.translations)) return [];
  const problems: ContentProblem[] = [];
  const content = program.content;
  const translations = program.content.translations as Record<string, unknown>;
  const defaultLocale = typeof content.defaultLocale === 'string' ? content.defaultLocale : DEFAULT_LOCALE;
  const tierNames = Array.isArray(program.tiers) ? program.tiers.map((tier) => (isObject(tier) ? tier.name : undefined)).filter((name): name is string => typeof name === 'string').map((name) => name.trim()) : undefined;
  const rewardIds = Array.isArray(program.rewards) ? program.rewards.map((reward) => (isObject(reward) ? reward.id : undefined)).filter((id): id is string => typeof id === 'string') : undefined;
  const locales = Object.keys(translations);
  if (locales.length > MAX_LOCALES) {
    problems.push({ path: 'content.translations', message: `The program can be translated into at most ${MAX_LOCALES} languages; it has ${locales.length}.` });
  }
  for (const locale of locales) {
    const at = `content.translations.${locale}`;
    if (!LOCALE_TAG.test(locale)) {
      problems.push({ path: at, message: `${JSON.stringify(locale.slice(0, 40))} is not a locale: write it as Shopify names languages, such as "fr", "de" or "pt-BR".` });
      continue;
    }
    if (locale === defaultLocale) {
      problems.push({ path: at, message: `${locale} is the program's own language: its names and descriptions are the tiers' and rewards' own, not a translation.` });
      continue;
    }
    const entry = translations[locale];
    if (!isObject(entry)) continue;
    if (tierNames && isObject(entry.tiers)) {
      for (const name of Object.keys(entry.tiers)) {
        if (!tierNames.includes(name)) problems.push({ path: `${at}.tiers.${name}`, message: `The program has no tier called ${JSON.stringify(name.slice(0, 60))}: translate the tiers by their names (${tierNames.map((n) => JSON.stringify(n)).join(', ')}).` });
      }
    }
    if (rewardIds && isObject(entry.rewards)) {
      for (const id of Object.keys(entry.rewards)) {
        if (!rewardIds.includes(id)) problems.push({ path: `${at}.rewards.${id}`, message: `The program has no reward with the id ${JSON.stringify(id.slice(0, 40))}: translate the rewards by their ids (${rewardIds.map((r) => JSON.stringify(r)).join(', ')}).` });
      }
    }
  }
  return problems;
}

/**
 * A program's content kept for a new version of the program: translations of tiers and rewards it
 * no longer has are dropped (a renamed tier, a removed reward), so the program stays valid.
 */
export function contentKeptFor(content: Content | undefined, program: Omit<ProgramTexts, 'content'>): Content | undefined {
  if (!content) return undefined;
  const tierNames = new Set(program.tiers.map((tier) => tier.name));
  const rewardIds = new Set(program.rewards.map((reward) => reward.id));
  const kept = (texts: Record<string, z.output<typeof TextsSchema>> | undefined, known: Set<string>) =>
    texts && Object.fromEntries(Object.entries(texts).filter(([key]) => known.has(key)));
  const translations = Object.fromEntries(
    Object.entries(content.translations).map(([locale, entry]) => {
      const tiers = kept(entry.tiers, tierNames);
      const rewards = kept(entry.rewards, rewardIds);
      return [locale, { ...(entry.programName ? { programName: entry.programName } : {}), ...(tiers ? { tiers } : {}), ...(rewards ? { rewards } : {}) }];
    }),
  );
  return { ...content, translations };
}

const ACCEPT_ENTRY = /^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*$/;

/**
 * The locales a customer asks for, most wanted first: the explicit `locale` (the storefront's or
 * the customer account's language), then `Accept-Language` by its weights. Malformed entries of
 * the header are skipped (browsers and proxies send odd ones); `*` and `q=0` ask for nothing.
 */
export function requestedLocales(explicit: string | undefined, acceptLanguage: string | undefined): string[] {
  const asked: string[] = explicit ? [explicit] : [];
  if (acceptLanguage) {
    const weighted = acceptLanguage
      .slice(0, 1000)
      .split(',')
      .slice(0, 20)
      .map((part, order) => {
        const match = ACCEPT_ENTRY.exec(part);
        return match && match[1] !== '*' ? { tag: match[1]!, q: match[2] === undefined ? 1 : Number(match[2]), order } : undefined;
      })
      .filter((entry): entry is { tag: string; q: number; order: number } => entry !== undefined && entry.q > 0)
      .sort((a, b) => b.q - a.q || a.order - b.order);
    asked.push(...weighted.map((entry) => entry.tag));
  }
  return asked;
}

/** Whether `?locale=` names a locale at all (the answer to one that does not is a 400). */
export function isLocaleTag(value: string): boolean {
  return value.length <= 35 && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,4}$/.test(value);
}

/**
 * The locale of `content` to answer in: for each asked locale in turn, an exact match, then its
 * language alone, then another region of that language; the default language counts as a match
 * too. None: the default language.
 */
export function resolveLocale(content: Content | undefined, asked: readonly string[]): string {
  const defaultLocale = content?.defaultLocale ?? DEFAULT_LOCALE;
  const available = [defaultLocale, ...Object.keys(content?.translations ?? {})];
  const lower = available.map((locale) => locale.toLowerCase());
  for (const raw of asked) {
    const tag = raw.replace(/_/g, '-').toLowerCase();
    const language = tag.split('-')[0]!;
    const exact = lower.indexOf(tag);
    if (exact >= 0) return available[exact]!;
    const base = lower.indexOf(language);
    if (base >= 0) return available[base]!;
    const sibling = lower.findIndex((locale) => locale.split('-')[0] === language);
    if (sibling >= 0) return available[sibling]!;
  }
  return defaultLocale;
}

/**
 * The program with its tier and reward names and descriptions in the asked language, and the
 * locale that was used. What a translation leaves out stays in the default language.
 */
export function localizedProgram<P extends ProgramTexts>(program: P, asked: readonly string[]): { program: P; locale: string; programName?: string } {
  const locale = resolveLocale(program.content, asked);
  const translation = program.content?.translations[locale];
  if (!translation) return { program, locale };
  const tiers = program.tiers.map((tier) => ({ ...tier, ...translation.tiers?.[tier.name] }));
  const rewards = program.rewards.map((reward) => ({ ...reward, ...translation.rewards?.[reward.id] }));
  return { program: { ...program, tiers, rewards }, locale, ...(translation.programName ? { programName: translation.programName } : {}) };
}
