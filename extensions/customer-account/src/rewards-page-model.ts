/**
 * The Rewards page's state and what changes it: loading the member and the program, paging the
 * activity, redeeming a reward. Free of Preact, so tests drive it with a fake backend; the
 * component subscribes to it and renders each state.
 */
import { CustomerApiError, type ActivityEntry, type CustomerApi, type Member, type Program, type Redemption } from './api.ts';

export const ACTIVITY_PAGE_SIZE = 10;

export interface RewardsPageState {
  status: 'loading' | 'ready' | 'failed' | 'signed-out';
  member: Member | null;
  program: Program | null;
  activity: {
    status: 'loading' | 'ready' | 'failed' | 'loading-more';
    entries: ActivityEntry[];
    nextCursor: string | null;
  };
  /** The reward being redeemed, while its request runs. */
  redeeming: string | null;
  /** The last redemption's answer, shown until the next one. */
  redeemed: Redemption | null;
  /** The last redemption's failure, beside its reward. */
  failure: { rewardId: string; error: unknown } | null;
}

export const initialRewardsPageState: RewardsPageState = {
  status: 'loading',
  member: null,
  program: null,
  activity: { status: 'loading', entries: [], nextCursor: null },
  redeeming: null,
  redeemed: null,
  failure: null,
};

/** A fresh Idempotency-Key: a UUID where the worker has `crypto.randomUUID`, else 128 random bits. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export interface RewardsPageModelOptions {
  onChange?: (state: RewardsPageState) => void;
  newKey?: () => string;
}

export function rewardsPageModel(api: CustomerApi, options: RewardsPageModelOptions = {}) {
  let state = initialRewardsPageState;
  const newKey = options.newKey ?? newIdempotencyKey;
  // A redemption whose answer never came keeps its key, so trying again cannot charge twice.
  const unansweredKeys = new Map<string, string>();

  const update = (change: Partial<RewardsPageState>) => {
    state = { ...state, ...change };
    options.onChange?.(state);
  };

  async function loadActivity(cursor: string | null) {
    const previous = cursor ? state.activity.entries : [];
    update({ activity: { ...state.activity, status: cursor ? 'loading-more' : 'loading' } });
    try {
      const page = await api.activity({ limit: ACTIVITY_PAGE_SIZE, cursor });
      update({ activity: { status: 'ready', entries: [...previous, ...page.entries], nextCursor: page.nextCursor ?? null } });
    } catch {
      update({ activity: { ...state.activity, status: 'failed' } });
    }
  }

  async function load() {
    update({ status: 'loading' });
    // The program only adds the earning rate and tier thresholds: the page stands without it.
    const [member, program] = await Promise.allSettled([api.member(), api.program()]);
    if (member.status === 'rejected') {
      const signedOut = member.reason instanceof CustomerApiError && member.reason.status === 401;
      update({ status: signedOut ? 'signed-out' : 'failed' });
      return;
    }
    update({ status: 'ready', member: member.value, program: program.status === 'fulfilled' ? program.value : null });
    await loadActivity(null);
  }

  async function more() {
    if (!state.activity.nextCursor || state.activity.status === 'loading-more') return;
    await loadActivity(state.activity.nextCursor);
  }

  async function redeem(rewardId: string) {
    if (state.redeeming) return;
    const key = unansweredKeys.get(rewardId) ?? newKey();
    unansweredKeys.set(rewardId, key);
    update({ redeeming: rewardId, failure: null, redeemed: null });
    try {
      const redemption = await api.redeem(rewardId, key);
      unansweredKeys.delete(rewardId);
      update({ redeeming: null, redeemed: redemption });
    } catch (error) {
      if (!(error instanceof CustomerApiError && error.retryable)) unansweredKeys.delete(rewardId);
      update({ redeeming: null, failure: { rewardId, error } });
    }
    // The balance, what is affordable and the ledger all moved (or may have): read them again.
    try {
      update({ member: await api.member() });
    } catch {
      // The page keeps what it showed; the next visit reads it fresh.
    }
    await loadActivity(null);
  }

  /** Saves the birthday, then reads the member again (its birthday and next points date); rejects with the problem. */
  async function saveBirthday(month: number, day: number) {
    await api.setBirthday(month, day);
    update({ member: await api.member() });
  }

  return {
    get state() {
      return state;
    },
    load,
    more,
    redeem,
    saveBirthday,
  };
}

export type RewardsPageModel = ReturnType<typeof rewardsPageModel>;
