/**
 * Coupon codes: cryptographically random, from an alphabet a customer cannot misread (no 0/O,
 * no 1/I/L), behind a per-shop prefix: `DEMO-7KQ2XH9PRA`.
 */
import { randomInt } from 'node:crypto';

export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** 31^10 ≈ 8 × 10^14 codes per prefix: collisions are rare, and a conditional write catches them. */
export const CODE_LENGTH = 10;

export type CodeGenerator = (prefix: string) => string;

export const randomCouponCode: CodeGenerator = (prefix) => {
  let body = '';
  for (let i = 0; i < CODE_LENGTH; i++) body += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${prefix}-${body}`;
};

/** The shop's prefix: the program's, else up to five letters of the shop's name from the alphabet. */
export function couponPrefix(shopDomain: string, configured?: string): string {
  if (configured) return configured;
  const name = shopDomain.split('.')[0]!.toUpperCase();
  const letters = [...name].filter((char) => CODE_ALPHABET.includes(char)).join('');
  return letters.slice(0, 5) || 'REWARD';
}

/** Whether a discount code could be one of ours (a cheap filter before any read). */
export function looksLikeCouponCode(code: string): boolean {
  return /^[A-Z2-9]{1,8}-[A-HJ-KM-NP-Z2-9]{10}$/.test(code);
}

/**
 * A store credit reward's own reference: `credit-` and ten random characters, lower case, so it
 * never looks like one of our discount codes (`looksLikeCouponCode`).
 */
export function randomCreditReference(): string {
  return randomCouponCode('credit').toLowerCase();
}
