/**
 * Referrals: the ones the fraud rules blocked, each with its reasons, the friend and the order,
 * and two buttons: approve (the advocate gets the points) or cancel (nothing paid). A status
 * filter shows the others (waiting, completed, cancelled, void). From `GET /admin/referrals`.
 */
import { api, failure } from './api.ts';
import { banner, card, dateTime, h, show, table } from './dom.ts';

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
  show(root, card('Referrals', h('p', {}, 'A member’s friend gets a welcome code; the member earns points once the friend’s first order is past its hold. Referrals that look like fraud wait here for you.'), h('label', { for: 'referral-status' }, 'Show '), filter, list));
  await load(list, status);
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
