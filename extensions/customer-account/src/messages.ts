/**
 * Every text the customer account extension shows, in one object per language. English only for
 * now: a translation is one more object of the same `Messages` shape, added to `dictionaries`
 * under its language code. Numbers, money and dates are formatted apart (`locale-format.ts`), in
 * the customer's own locale, whatever the language of the words.
 */

/** Forms by plural category; `#` is where the formatted number goes. */
export type Plural = { [category in Intl.LDMLPluralRule]?: string } & { other: string };

const en = {
  pageTitle: 'Rewards',
  loading: 'Loading your rewards…',
  loadFailed: 'We could not load your rewards right now.',
  retry: 'Try again',
  notSignedIn: 'Sign in to see your rewards.',
  points: { one: '# point', other: '# points' } as Plural,
  balance: 'Your points',
  pending: (points: string) => `${points} pending`,
  tier: (name: string) => `${name} tier`,
  multiplier: (times: string) => `${times}× points on every order`,
  toNextTier: (amount: string, tier: string) => `Spend ${amount} more to reach ${tier}`,
  progressLabel: (tier: string) => `Progress to ${tier}`,
  topTier: 'You have reached the top tier.',
  howEarn: (points: string, amount: string) => `Earn ${points} for every ${amount} you spend.`,
  expiringSoon: 'Points expiring soon',
  expiresOn: (points: string, date: string) => `${points} on ${date}`,
  rewards: 'Spend your points',
  noRewards: 'There are no rewards yet.',
  rewardCost: (points: string) => `Costs ${points}`,
  fixedAmountOff: (amount: string) => `${amount} off your order`,
  percentageOff: (percent: string) => `${percent} off your order`,
  freeShipping: 'Free shipping',
  storeCredit: (amount: string) => `${amount} store credit`,
  minimumOrder: (amount: string) => `On orders from ${amount}`,
  redeem: 'Redeem',
  redeemLabel: (reward: string) => `Redeem ${reward}`,
  needMore: (points: string) => `You need ${points} more`,
  redeeming: 'Redeeming…',
  redeemFailed: 'We could not redeem this reward. Please try again.',
  notEnough: 'You no longer have enough points for this reward.',
  tooMany: 'Too many tries: please wait a minute.',
  yourCode: 'Your discount code',
  useBy: (date: string) => `Enter it at checkout by ${date}.`,
  codePending: 'Your code works at checkout in a few minutes.',
  creditAdded: (amount: string) => `${amount} store credit added`,
  creditPending: (amount: string) => `${amount} store credit is on its way: it shows at checkout once your store has it.`,
  newBalance: (points: string) => `New balance: ${points}`,
  activity: 'Activity',
  noActivity: 'No activity yet.',
  activityFailed: 'Activity is not available right now.',
  more: 'Show more',
  types: {
    earn: 'Order',
    reverse: 'Refund',
    bonus: 'Bonus',
    adjust: 'Adjustment',
    redeem: 'Reward',
    expire: 'Expired',
    rerate: 'Tier update',
  } as Record<string, string>,
  orderEarned: (points: string) => `This order earned ${points}.`,
  orderPending: (points: string) => `This order earns ${points}, available after the return window.`,
  orderNothing: 'This order earned no points.',
  orderPointsHeading: 'Rewards',
};

export type Messages = typeof en;

const dictionaries: Record<string, Messages> = { en };

/** The messages for a language tag (`fr-CA` falls back to `fr`, then to English). */
export function messagesFor(language: string | undefined): Messages {
  const tag = (language ?? 'en').toLowerCase();
  return dictionaries[tag] ?? dictionaries[tag.split('-')[0]!] ?? en;
}
