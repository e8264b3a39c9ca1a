import { describe, expect, it } from 'vitest';
import { currencyExponent, formatMinorUnits, InvalidAmountError, toMinorUnits } from '../../shared/money/money.ts';

describe('money', () => {
  it('parses Shopify money strings into minor units', () => {
    expect(toMinorUnits('199.00', 'USD')).toBe(19900);
    expect(toMinorUnits('181.09', 'USD')).toBe(18109);
    expect(toMinorUnits('0.5', 'USD')).toBe(50);
    expect(toMinorUnits('-3.98', 'USD')).toBe(-398);
  });

  it('parses the JSON numbers of refund lines from their decimal text, not through float arithmetic', () => {
    expect(toMinorUnits(195.66, 'USD')).toBe(19566);
    expect(toMinorUnits(0.1 + 0.2, 'USD')).toBe(30);
    expect(toMinorUnits(1.005, 'USD')).toBe(101);
  });

  it('follows the currency exponent', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(toMinorUnits('1500', 'JPY')).toBe(1500);
    expect(toMinorUnits('1.2345', 'KWD')).toBe(1235);
  });

  it('rejects what is not an amount', () => {
    for (const bad of ['', 'abc', '1e308', '1,00', 'NaN', Number.NaN, Number.POSITIVE_INFINITY, 1e308, '12345678901234567.00']) {
      expect(() => toMinorUnits(bad as string, 'USD')).toThrow(InvalidAmountError);
    }
  });

  it('formats minor units back as Shopify writes money', () => {
    expect(formatMinorUnits(19900, 'USD')).toBe('199.00');
    expect(formatMinorUnits(5, 'USD')).toBe('0.05');
    expect(formatMinorUnits(-398, 'USD')).toBe('-3.98');
    expect(formatMinorUnits(1500, 'JPY')).toBe('1500');
  });
});
