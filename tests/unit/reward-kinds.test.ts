import { describe, expect, it } from 'vitest';
import { defaultProgram, InvalidProgramError, parseProgramSettings } from '../../shared/program/program.ts';

const withRewards = (rewards: unknown[]) => ({ ...defaultProgram, rewards });
const problemsOf = (input: unknown) => {
  try {
    parseProgramSettings(input);
    return [];
  } catch (error) {
    if (error instanceof InvalidProgramError) return error.problems;
    throw error;
  }
};

describe('the program’s rewards', () => {
  it('accept store credit with a value and an optional validity, and codes with combinesWith', () => {
    const program = parseProgramSettings(
      withRewards([
        { id: 'credit', name: '10 store credit', kind: 'store_credit', cost: 1000, value: 10, validityDays: 30 },
        { id: 'five-off', name: '5 off', kind: 'fixed_amount', cost: 500, value: 5, combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true } },
      ]),
    );
    expect(program.rewards[1]?.combinesWith).toEqual({ orderDiscounts: false, productDiscounts: true, shippingDiscounts: true });
  });

  it('list what is wrong with store credit and combinations in the store owner’s words', () => {
    const problems = problemsOf(
      withRewards([
        { id: 'credit', name: 'Credit', kind: 'store_credit', cost: 1000, minimumOrder: 20, combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: true } },
        { id: 'five-off', name: '5 off', kind: 'fixed_amount', cost: 500, value: 5, combinesWith: { orderDiscounts: 'yes', productDiscounts: true, shipping: true } },
      ]),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'rewards.0.value', message: `The reward "Credit" adds store credit, so it needs a value: the amount, in the shop's currency.` },
        { path: 'rewards.0.minimumOrder', message: 'The reward "Credit" adds store credit, which has no minimum order: leave the minimum order out.' },
        { path: 'rewards.0.combinesWith', message: 'The reward "Credit" adds store credit, which is not a discount code and combines with everything: leave the combinations out.' },
        { path: 'rewards.1.combinesWith.orderDiscounts', message: 'The reward "5 off"’s combination with order discounts must be true or false.' },
        { path: 'rewards.1.combinesWith.shippingDiscounts', message: 'The reward "5 off"’s combination with shipping discounts is missing.' },
        expect.objectContaining({ path: 'rewards.1.combinesWith.shipping' }),
      ]),
    );
  });
});
