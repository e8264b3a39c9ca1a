/**
 * Referrals: the ones the fraud rules blocked, each with its reasons, the friend and the order,
 * and two buttons: approve (the advocate gets the points) or cancel (nothing paid). A status
 * filter shows the others (waiting, completed, cancelled, void). From `GET /admin/referrals`.
 * Above it, the program's referral settings, saved with the program (`PUT /admin/program`).
 */

type ReferralSettings = {
  enabled: boolean;
  advocatePoints: number;
  friendReward: { name: string; kind: 'fixed_amount' | 'percentage' | 'free_shipping'; value?: number; minimumOrder?: number; validityDays?: number };
  holdDays: number;
  sameOriginLimit: number;
};
type ProgramSettings = { program: Record<string, unknown> & { referrals: ReferralSettings } };
import { ApiError, api, failure } from './api.ts';
import { banner, card, dateTime, field, h, show, table } from './dom.ts';

type Referral = {
  id: string;
  code: string;
  advocateId: string;
  friendEmail: string;
  friendCustomerId?: string;
  couponCode: string;
  claimedAt: string;
  status: 'claimed' | 'blocked' | 'completed' | 'cancelled' | 'void';
  waiting?: 'order' | 'hold';
  order?: { orderId: string; at: string; dueAt: string; customerId?: string; email?: string; name?: string; priorOrders: number };
  reasons?: string[];
  points?: number;
  note?: string;
  settledAt?: string;
};

/** The fraud rules, in the store owner's words. */
const REASONS: Record<string, string> = {
  'same-customer': 'The friend’s order was placed from the advocate’s own account.',
  'same-email': 'The friend’s e-mail is the advocate’s (ignoring case, dots and +tags).',
  'similar-email': 'The friend’s e-mail is very close to the advocate’s.',
  'same-name': 'The name on the order is the advocate’s.',
  'existing-customer': 'The friend had ordered before: not a new customer.',
  'repeated-ip': 'Several of this advocate’s referrals this week came from the same browser IP.',
  'repeated-address': 'Several of this advocate’s referrals this week shipped to the same address.',
};

const FILTERS = [
  ['blocked', 'Blocked'],
  ['pending', 'Waiting'],
  ['completed', 'Completed'],
  ['cancelled', 'Cancelled'],
  ['void', 'Void'],
  ['all', 'All'],
] as const;

export async function referralsScreen(root: HTMLElement, arg?: string) {
  const status = FILTERS.some(([value]) => value === arg) ? arg! : 'blocked';
  const filter = h(
    'select',
    { id: 'referral-status', 'aria-label': 'Show referrals' },
    FILTERS.map(([value, label]) => h('option', { value, selected: value === status ? true : undefined }, label)),
  ) as HTMLSelectElement;
  filter.addEventListener('change', () => (location.hash = `#/referrals/${filter.value}`));
  const list = h('div', { role: 'region', 'aria-live': 'polite' }, h('p', { class: 'muted', role: 'status' }, 'Loading referrals…'));
  const settings = h('div', {}, h('p', { class: 'muted', role: 'status' }, 'Loading the settings…'));
  show(root, card('Referral program', settings), card('Referrals', h('p', {}, 'A member’s friend gets a welcome code; the member earns points once the friend’s first order is past its hold. Referrals that look like fraud wait here for you.'), h('label', { for: 'referral-status' }, 'Show '), filter, list));
  await Promise.all([settingsForm(settings), load(list, status)]);
}

/** The program's `referrals` section, edited here and saved with the whole program. */
async function settingsForm(root: HTMLElement) {
  let current: ProgramSettings;
  try {
    current = await api<ProgramSettings>('/program');
  } catch (error) {
    show(root, banner('critical', failure(error)));
    return;
  }
  const r = current.program.referrals;
  const input = (props: Record<string, unknown>) => h('input', props) as HTMLInputElement;
  const enabled = input({ type: 'checkbox', id: 'referrals-enabled', checked: r.enabled });
  const points = input({ type: 'number', min: 0, step: 1, value: String(r.advocatePoints), id: 'referrals-points' });
  const rewardName = input({ type: 'text', value: r.friendReward.name, id: 'referrals-reward-name' });
  const kind = h('select', { id: 'referrals-reward-kind' }, [['fixed_amount', 'Amount off'], ['percentage', 'Percent off'], ['free_shipping', 'Free shipping']].map(([value, label]) => h('option', { value, selected: value === r.friendReward.kind ? true : undefined }, label))) as HTMLSelectElement;
  const value = input({ type: 'number', min: 0, step: 'any', value: r.friendReward.value === undefined ? '' : String(r.friendReward.value), id: 'referrals-reward-value' });
  const hold = input({ type: 'number', min: 0, step: 1, value: String(r.holdDays), id: 'referrals-hold' });
  const status = h('div', { role: 'status' });
  const form = h(
    'form',
    {},
    h('div', { class: 'field' }, h('label', {}, enabled, ' Members can refer friends')),
    field('Points for the member, per friend', points, 'Given once the friend’s first order is past the hold below.'),
    field('The friend’s welcome reward', rewardName, 'Its name, as the friend sees it.'),
    field('Kind', kind),
    field('Value', value, 'Money off in your currency, or percent off; none for free shipping.'),
    field('Days to wait after the friend’s order', hold, 'At least your return window: a cancelled or refunded order pays nothing.'),
    h('button', { type: 'submit', class: 'primary' }, 'Save referral settings'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const friendReward = { ...r.friendReward, name: rewardName.value, kind: kind.value as ReferralSettings['friendReward']['kind'] };
    if (kind.value === 'free_shipping' || value.value === '') delete friendReward.value;
    else friendReward.value = Number(value.value);
    const referrals: ReferralSettings = { ...r, enabled: enabled.checked, advocatePoints: Number(points.value), holdDays: Number(hold.value), friendReward };
    const { content: _content, ...program } = current.program;
    try {
      current = await api<ProgramSettings>('/program', { method: 'PUT', body: { program: { ...program, referrals } } });
      show(status, banner('success', referrals.enabled ? 'Saved: members see their referral link.' : 'Saved: referrals are off.'));
    } catch (error) {
      const problems = error instanceof ApiError ? (error.problem.problems as { path: string; message: string }[] | undefined) : undefined;
      show(status, banner('critical', problems ? h('ul', {}, problems.map((problem) => h('li', {}, `${problem.path}: ${problem.message}`))) : failure(error)));
    }
  });
  show(root, form);
}

async function load(list: HTMLElement, status: string) {
  let referrals: Referral[];
  try {
    referrals = (await api<{ referrals: Referral[] }>(`/referrals?status=${status}&limit=100`)).referrals;
  } catch (error) {
    show(list, banner('critical', failure(error)));
    return;
  }
  if (referrals.length === 0) {
    show(list, h('p', { class: 'muted' }, status === 'blocked' ? 'No blocked referrals: nothing waits for you.' : 'No referrals here.'));
    return;
  }
  const rows = referrals.map((referral) => [
    h('div', {}, referral.friendEmail, referral.order?.name ? h('div', { class: 'muted' }, referral.order.name) : null),
    h('a', { href: `#/members/${encodeURIComponent(referral.advocateId)}` }, `Customer ${referral.advocateId}`),
    referral.order ? `Order ${referral.order.orderId}, ${dateTime(referral.order.at)}` : 'No order yet',
    referral.status === 'blocked'
      ? h('ul', { class: 'reasons' }, (referral.reasons ?? []).map((reason) => h('li', {}, REASONS[reason] ?? reason)))
      : statusText(referral),
    referral.status === 'blocked' ? actions(referral, list, status) : '',
  ]);
  show(list, table(['Friend', 'Advocate', 'Order', status === 'blocked' ? 'Why it was blocked' : 'Status', ''], rows, 'Referrals'));
}

function statusText(referral: Referral): string {
  if (referral.status === 'claimed') return referral.waiting === 'hold' ? `Waiting until ${dateTime(referral.order?.dueAt)}` : 'Waiting for the friend’s order';
  if (referral.status === 'completed') return `Completed: ${referral.points ?? 0} points`;
  if (referral.status === 'void') return referral.note === 'order-refunded' ? 'Void: the order was refunded' : 'Void: the order was cancelled';
  return 'Cancelled';
}

function actions(referral: Referral, list: HTMLElement, status: string) {
  const message = h('span', { role: 'status' });
  const button = (decision: 'approve' | 'cancel', label: string) => {
    const element = h('button', { type: 'button', class: decision === 'approve' ? 'primary' : '' }, label) as HTMLButtonElement;
    element.addEventListener('click', async () => {
      element.disabled = true;
      try {
        await api(`/referrals/${encodeURIComponent(referral.id)}/${decision}`, { method: 'POST' });
        await load(list, status);
      } catch (error) {
        show(message, failure(error));
        element.disabled = false;
      }
    });
    return element;
  };
  return h('div', { class: 'actions' }, button('approve', 'Approve: give the points'), ' ', button('cancel', 'Cancel'), message);
}
