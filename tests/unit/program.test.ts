import { describe, expect, it } from 'vitest';
import { defaultProgram, InvalidProgramError, parseProgram, parseProgramSettings } from '../../shared/program/program.ts';

describe('the program', () => {
  it('defaults to the contract’s default program', () => {
    expect(defaultProgram.earning.pointsPerUnit).toBe(1);
    expect(defaultProgram.signupBonus).toBe(100);
    expect(defaultProgram.tiers).toEqual([
      { name: 'Bronze', minSpend: 0, multiplier: 1 },
      { name: 'Silver', minSpend: 500, multiplier: 1.25 },
      { name: 'Gold', minSpend: 1500, multiplier: 1.5 },
    ]);
    expect(defaultProgram.expiry.days).toBe(365);
    expect(defaultProgram.reminders.daysBefore).toEqual([30, 7]);
    expect(defaultProgram.rewards.map((r) => [r.cost, r.kind, r.value])).toEqual([
      [500, 'fixed_amount', 5],
      [1000, 'percentage', 10],
      [300, 'free_shipping', undefined],
    ]);
    expect(defaultProgram.coupons.validityDays).toBe(90);
  });

  it('lists every problem of an invalid program with its field path', () => {
    const attempt = () =>
      parseProgram({
        signupBonus: -1,
        tiers: [
          { name: 'Bronze', minSpend: 10, multiplier: 1 },
          { name: 'Bronze', minSpend: 5, multiplier: 2 },
        ],
        rewards: [{ id: 'x', name: 'X', kind: 'percentage', cost: 10, value: 150 }],
      });
    expect(attempt).toThrow(InvalidProgramError);
    try {
      attempt();
    } catch (error) {
      const paths = (error as InvalidProgramError).problems.map((p) => p.path);
      expect(paths).toEqual(expect.arrayContaining(['signupBonus']));
    }
  });

  it('checks the tiers and rewards together once the fields are valid', () => {
    try {
      parseProgram({
        tiers: [
          { name: 'Bronze', minSpend: 10, multiplier: 1 },
          { name: 'Bronze', minSpend: 5, multiplier: 2 },
        ],
        rewards: [{ id: 'x', name: 'X', kind: 'percentage', cost: 10, value: 150 }],
      });
      expect.unreachable();
    } catch (error) {
      const paths = (error as InvalidProgramError).problems.map((p) => p.path);
      expect(paths).toEqual(expect.arrayContaining(['tiers.0.minSpend', 'tiers.1.minSpend', 'tiers.1.name', 'rewards.0.value']));
    }
  });
});

describe('a program sent whole by its store owner', () => {
  const whole = () => JSON.parse(JSON.stringify(defaultProgram));
  const problemsOf = (input: unknown) => {
    try {
      parseProgramSettings(input);
    } catch (error) {
      if (error instanceof InvalidProgramError) return Object.fromEntries(error.problems.map((p) => [p.path, p.message]));
      throw error;
    }
    return {};
  };

  it('is accepted as it is, and is the program it says', () => {
    expect(parseProgramSettings(whole())).toEqual(defaultProgram);
  });

  it('never falls back to the defaults: an empty body names every missing section', () => {
    expect(Object.keys(problemsOf({}))).toEqual(['earning', 'signupBonus', 'tiers', 'expiry', 'reminders', 'rewards', 'coupons', 'pendingDays', 'winback']);
    expect(problemsOf({ ...whole(), expiry: {} })).toEqual({ 'expiry.days': 'The number of days before earned points expire is missing.' });
    expect(problemsOf(null)).toEqual({ '': expect.stringContaining('must be a JSON object') });
  });

  it('refuses a setting the program does not have, anywhere, suggesting the one meant', () => {
    const program = whole();
    program.tiers[0].multipler = 2;
    program.rewards[1].colour = 'red';
    expect(problemsOf({ ...program, earnng: { pointsPerUnit: 2 }, __proto__x: 1 })).toEqual({
      earnng: 'The program has no setting "earnng". Did you mean "earning"?',
      __proto__x: expect.stringMatching(/^The program has no setting "__proto__x"\. Its settings are "earning", /),
      'tiers.0.multipler': 'Bronze has no setting "multipler". Did you mean "multiplier"?',
      'rewards.1.colour': expect.stringMatching(/^The reward "10% off your order" has no setting "colour"\./),
    });
  });

  it('checks the rules between fields, even when other fields are wrong too', () => {
    const program = whole();
    program.signupBonus = 'lots';
    program.tiers = [
      { name: 'Bronze', minSpend: 10, multiplier: 1 },
      { name: 'Silver', minSpend: 5, multiplier: 0 },
      { name: 'Silver', minSpend: 50, multiplier: 2, rewardId: 'gift' },
    ];
    program.rewards.push({ ...program.rewards[0] }, { id: 'half', name: 'Half off', kind: 'percentage', cost: 10, value: 150 }, { id: 'money', name: 'Money', kind: 'fixed_amount', cost: 10 });
    program.reminders.daysBefore = [400, 30, 30, 365];
    program.expiry.days = 365;
    program.pendingDays = 365;
    expect(problemsOf(program)).toEqual({
      signupBonus: 'The signup bonus must be a number.',
      'tiers.0.minSpend': 'Bronze is the first tier, so its minimum spend must be 0: every member starts there.',
      'tiers.1.minSpend': "Silver's minimum spend must be higher than Bronze's (10): tiers go up in order.",
      'tiers.1.multiplier': "Silver's points multiplier must be more than 0.",
      'tiers.2.name': 'Two tiers are called "Silver": each tier needs a name of its own.',
      'tiers.2.rewardId': 'Silver\'s reward "gift" is not in the rewards list.',
      'rewards.3.id': 'Two rewards have the id "five-off": each reward needs an id of its own.',
      'rewards.4.value': 'The reward "Half off" cannot take more than 100% off.',
      'rewards.5.value': 'The reward "Money" takes an amount off, so it needs a value: the amount, in the shop\'s currency.',
      'reminders.daysBefore.0': "Reminder 1's days before expiry can be at most 365.",
      'reminders.daysBefore.2': 'Reminder 3 repeats 30 days: each reminder needs a different day.',
      'reminders.daysBefore.3': 'Reminder 4 (365 days before points expire) could never be sent: points expire 365 days after they are earned. Choose fewer days than 365.',
      pendingDays: 'Points would expire before they could be spent: the days points stay pending (365) must be fewer than the days before they expire (365).',
    });
  });

  it('says what a value must be, never zod’s "Invalid input"', () => {
    const program = whole();
    program.earning.pointsPerUnit = 0;
    program.rewards[0] = { id: 'Five Off', name: '', kind: 'gift', cost: -1, value: 5 };
    program.coupons.prefix = 'lol';
    program.winback = { factor: 'twice', minOrders: 1 };
    const problems = problemsOf(program);
    expect(Object.values(problems).join(' ')).not.toMatch(/invalid input/i);
    expect(problems).toMatchObject({
      'earning.pointsPerUnit': 'Points per unit of currency must be more than 0.',
      'rewards.0.id': 'Reward 1\'s id may use only lower-case letters, digits and dashes, at most 40 (like "five-off").',
      'rewards.0.name': "Reward 1's name cannot be empty.",
      'rewards.0.kind': 'Reward 1\'s kind must be one of "fixed_amount", "percentage", "free_shipping", "store_credit".',
      'rewards.0.cost': "Reward 1's cost in points must be more than 0.",
      'coupons.prefix': expect.stringContaining('up to 8 capital letters'),
      'winback.factor': 'The win-back factor must be a number.',
      'winback.minOrders': 'The win-back minimum number of orders must be at least 2.',
    });
  });
});
