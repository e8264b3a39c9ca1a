/** Errors of referrals, each with a stable `type` and the HTTP status `onError` answers with. */
import type { FraudReason } from './fraud.ts';

export class ReferralError extends Error {
  readonly type: string = 'referral-error';
  readonly status: 404 | 409 | 422 = 409;
  readonly extensions: Record<string, unknown> = {};
}

export class ReferralsOffError extends ReferralError {
  override readonly type = 'referrals-off';
  override readonly status = 404;
  constructor() {
    super('this shop has no referral program');
    this.name = 'ReferralsOffError';
  }
}

export class UnknownReferralCodeError extends ReferralError {
  override readonly type = 'unknown-referral-code';
  override readonly status = 404;
  constructor(readonly code: string) {
    super(`no member of this shop has the referral code ${JSON.stringify(code).slice(0, 40)}`);
    this.name = 'UnknownReferralCodeError';
  }
}

export class SelfReferralError extends ReferralError {
  override readonly type = 'self-referral';
  override readonly status = 409;
  override readonly extensions: Record<string, unknown>;
  constructor(readonly reasons: FraudReason[]) {
    super(`a referral is for a friend who has not ordered yet, not for the referring member (${reasons.join(', ')})`);
    this.name = 'SelfReferralError';
    this.extensions = { reasons };
  }
}

export class AlreadyReferredError extends ReferralError {
  override readonly type = 'already-referred';
  override readonly status = 409;
  constructor() {
    super('this e-mail address already has a welcome reward from another referral');
    this.name = 'AlreadyReferredError';
  }
}

export class ReferralNotFoundError extends ReferralError {
  override readonly type = 'referral-not-found';
  override readonly status = 404;
  constructor(readonly id: string) {
    super(`no referral ${JSON.stringify(id).slice(0, 80)} in this shop`);
    this.name = 'ReferralNotFoundError';
  }
}

export class ReferralNotBlockedError extends ReferralError {
  override readonly type = 'referral-not-blocked';
  override readonly status = 409;
  override readonly extensions: Record<string, unknown>;
  constructor(readonly current: string) {
    super(`only a blocked referral can be approved or cancelled; this one is ${current}`);
    this.name = 'ReferralNotBlockedError';
    this.extensions = { referralStatus: current };
  }
}
