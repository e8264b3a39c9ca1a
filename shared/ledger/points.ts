/** Points for spend: whole points, rounded down, computed in integers. */
import { currencyExponent } from '../money/money.ts';

const SCALE = 10_000n;

/** Rates such as 1.25 as exact integers over SCALE (four decimals are all a program may use). */
function scaled(rate: number): bigint {
  return BigInt(Math.round(rate * Number(SCALE)));
}

export function pointsForSpend(eligibleMinor: number, currency: string, pointsPerUnit: number, multiplier: number): number {
  if (eligibleMinor <= 0) return 0;
  const numerator = BigInt(eligibleMinor) * scaled(pointsPerUnit) * scaled(multiplier);
  const denominator = 10n ** BigInt(currencyExponent(currency)) * SCALE * SCALE;
  return Number(numerator / denominator);
}

/** `part / whole` of `points`, rounded down; the whole when `part` reaches `whole`. */
export function proportionOf(points: number, part: number, whole: number): number {
  if (part <= 0 || points <= 0) return 0;
  if (part >= whole) return points;
  return Number((BigInt(points) * BigInt(part)) / BigInt(whole));
}
