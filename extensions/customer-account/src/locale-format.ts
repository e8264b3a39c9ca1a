/**
 * Numbers, points, money and dates in the customer's locale, through `Intl`. The backend writes
 * money as a decimal string in the shop's currency ("600.00", "1500" for JPY); it is shown with
 * that currency's own decimals, so JPY and HUF amounts have none and EUR two.
 */
import type { Plural } from './messages.ts';

export interface LocaleFormat {
  locale: string;
  number(value: number): string;
  /** `points` with the counted word: "1 point", "1,250 points". */
  points(value: number, forms: Plural): string;
  money(amount: string | number, currency: string): string;
  percent(value: number): string;
  /** A date (no time) of an ISO 8601 instant. */
  date(iso: string): string;
}

export interface LocaleFormatOptions {
  /** The time zone dates are shown in; the runtime's own when absent. */
  timeZone?: string;
}

/** A locale Intl accepts; `en` when the customer's is missing or malformed. */
export function supportedLocale(locale: string | undefined): string {
  if (!locale) return 'en';
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

export function localeFormat(locale: string | undefined, options: LocaleFormatOptions = {}): LocaleFormat {
  const tag = supportedLocale(locale);
  const numbers = new Intl.NumberFormat(tag);
  const plurals = new Intl.PluralRules(tag);
  const dates = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', ...(options.timeZone ? { timeZone: options.timeZone } : {}) });
  const moneyFormats = new Map<string, Intl.NumberFormat>();
  const moneyFormat = (currency: string) => {
    let format = moneyFormats.get(currency);
    if (!format) {
      try {
        format = new Intl.NumberFormat(tag, { style: 'currency', currency });
      } catch {
        // Not an ISO 4217 code Intl knows: the plain number, then the code.
        format = new Intl.NumberFormat(tag, { minimumFractionDigits: 0, maximumFractionDigits: 2 });
      }
      moneyFormats.set(currency, format);
    }
    return format;
  };

  return {
    locale: tag,
    number: (value) => numbers.format(value),
    points: (value, forms) => (forms[plurals.select(value)] ?? forms.other).replace('#', numbers.format(value)),
    money(amount, currency) {
      const value = typeof amount === 'number' ? amount : Number(amount);
      if (!Number.isFinite(value)) return `${amount} ${currency}`;
      const format = moneyFormat(currency);
      const text = format.format(value);
      return format.resolvedOptions().style === 'currency' ? text : `${text} ${currency}`;
    },
    percent: (value) => new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 2 }).format(value / 100),
    date(iso) {
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? iso : dates.format(date);
    },
  };
}
