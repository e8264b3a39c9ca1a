/**
 * Money in integer minor units. Shopify sends amounts as decimal strings ("199.00") and, in a few
 * places, as JSON numbers (a refund line's `subtotal`: 195.66). Both are parsed from their decimal
 * text, never through floating-point arithmetic.
 */

/** A non-negative or negative amount of a currency, in its minor units (cents for USD, yen for JPY). */
export interface Money {
  readonly minor: number;
  readonly currency: string;
}

export class InvalidAmountError extends Error {
  readonly type = 'invalid-amount';
  constructor(readonly value: unknown) {
    super(`not a money amount: ${JSON.stringify(value)?.slice(0, 40)}`);
    this.name = 'InvalidAmountError';
  }
}

const exponents = new Map<string, number>();

/** ISO 4217 minor-unit exponent: 2 for USD, 0 for JPY, 3 for KWD. */
export function currencyExponent(currency: string): number {
  const known = exponents.get(currency);
  if (known !== undefined) return known;
  let exponent = 2;
  try {
    exponent = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown code keeps the common exponent of 2 rather than rejecting a paid order.
  }
  exponents.set(currency, exponent);
  return exponent;
}

const DECIMAL = /^(-)?(\d{1,15})(?:\.(\d{1,20}))?$/;

/**
 * Parses "199.00", "-3.5", 195.66 or "1e2" into minor units, rounding half away from zero past the
 * currency's precision. Rejects NaN, infinities and amounts beyond 10^15 units.
 */
export function toMinorUnits(value: string | number, currency: string): number {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new InvalidAmountError(value);
  const [, sign, whole = '0', fraction = ''] = match;
  const exponent = currencyExponent(currency);
  const kept = fraction.slice(0, exponent).padEnd(exponent, '0');
  let minor = Number(whole + kept);
  if (Number(fraction[exponent] ?? '0') >= 5) minor += 1;
  if (!Number.isSafeInteger(minor)) throw new InvalidAmountError(value);
  return sign && minor !== 0 ? -minor : minor;
}

/**
 * An amount as decimal text, as Shopify would write it: strings as given, JSON numbers from their
 * shortest decimal form. What a record keeps of an amount it cannot convert yet (no currency).
 */
export function decimalText(value: string | number): string {
  return typeof value === 'number' ? numberText(value) : value.trim();
}

function numberText(value: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e15) throw new InvalidAmountError(value);
  // Shortest round-trip text of the number: 195.66 prints as "195.66". Tiny values print in
  // exponent form, which toFixed turns back into plain decimals.
  const text = String(value);
  return text.includes('e') ? value.toFixed(12) : text;
}

/** Writes minor units back as Shopify writes money: a decimal string, "199.00". */
export function formatMinorUnits(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

