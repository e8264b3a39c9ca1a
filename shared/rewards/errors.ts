/** Errors of redemption, each with a stable `type` for the problem+json answer. */

export class RewardsError extends Error {
  readonly type: string = 'rewards-error';
}

export class UnknownRewardError extends RewardsError {
  override readonly type = 'unknown-reward';
  constructor(readonly rewardId: string) {
    super(`the program has no reward ${JSON.stringify(rewardId).slice(0, 60)}`);
    this.name = 'UnknownRewardError';
  }
}

export class InsufficientPointsError extends RewardsError {
  override readonly type = 'insufficient-points';
  constructor(
    readonly balance: number,
    readonly cost: number,
  ) {
    super(`the reward costs ${cost} points and the balance is ${balance}`);
    this.name = 'InsufficientPointsError';
  }
}

export class ProgramInactiveError extends RewardsError {
  override readonly type = 'program-inactive';
  constructor() {
    super('the shop’s loyalty program is not active');
    this.name = 'ProgramInactiveError';
  }
}
