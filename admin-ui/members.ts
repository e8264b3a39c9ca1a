/**
 * Members: find a member by customer id, or list them by tier and fading; one member's balance,
 * expiring points, coupons (and why one is pending or failed), ledger, and manual adjustments.
 */
import { ApiError, api, failure } from './api.ts';
import { banner, card, date, dateTime, field, h, money, number, show, table } from './dom.ts';

type Listed = { customerId: string; tier: string; balance: number; pending: number; orderCount: number; lastOrderAt: string | null; fading: boolean; email: string | null };
type Coupon = { code: string; reward: { name: string; kind: string; value?: number }; points: number; source: string; status: 'pending' | 'issued' | 'used' | 'failed'; createdAt: string; expiresAt: string; attempts: number; nextAttemptAt: string | null; lastError: string | null; usedAt: string | null; needsSettlement?: boolean };
type Member = {
  customerId: string;
  currency: string;
  balance: number;
  pending: number;
  tier: string;
  tierSpend: string;
  nextTier: { name: string; remaining?: string; spendNeeded?: string } | null;
  expiring: { points: number; expiresAt: string }[];
  contact: { email?: string; firstName?: string; lastName?: string };
  enrolledAt: string;
  lifetimeEarned: number;
  orderCount: number;
  lastOrderAt: string | null;
  fading: { flaggedAt: string } | null;
  coupons?: Coupon[];
};
type Entry = { id: string; type: string; points: number; occurredAt: string; balanceAfter: number; orderId?: string; reason?: string; couponCode?: string; adjustedBy?: string };

const ENTRY_NAMES: Record<string, string> = { earn: 'Order', reverse: 'Refund or cancellation', bonus: 'Signup bonus', adjust: 'Manual adjustment', redeem: 'Redeemed', expire: 'Expired', rerate: 'Re-rated order' };

/** Why a coupon is where it is, in the store owner's words. */
function couponWhy(coupon: Coupon): string {
  if (coupon.needsSettlement) {
    const what = coupon.reward.kind === 'store_credit' ? 'store credit' : 'discount code';
    return `Shopify may already have this ${what} (its answer was lost${coupon.lastError ? `: ${coupon.lastError}` : ''}), so it is neither sent again nor refunded. Look for it in Shopify (the customer's store credit, or Discounts), then say what you found.`;
  }
  switch (coupon.status) {
    case 'pending':
      return `Not yet created in Shopify: ${coupon.attempts} ${coupon.attempts === 1 ? 'try' : 'tries'} so far${coupon.nextAttemptAt ? `, next ${dateTime(coupon.nextAttemptAt)}` : ''}${coupon.lastError ? `. Last answer: ${coupon.lastError}` : ''}. If it stays pending, check Setup (the access token).`;
    case 'failed':
      return `Shopify refused it for good${coupon.lastError ? `: ${coupon.lastError}` : ''}. The points went back to the member.`;
    case 'used':
      return `Used ${dateTime(coupon.usedAt)}.`;
    default:
      return `Ready to use until ${date(coupon.expiresAt)}.`;
  }
}

const statusBadge = (status: string) => h('span', { class: `badge ${status === 'failed' ? 'bad' : status === 'pending' ? 'warn' : status === 'issued' ? 'ok' : ''}` }, status);

export async function membersScreen(root: HTMLElement, customerId?: string) {
  const search = h('input', { type: 'search', inputmode: 'numeric', id: 'member-search', value: customerId ?? '', autocomplete: 'off' });
  const searchForm = h(
    'form',
    { role: 'search', class: 'row', onsubmit: (event: Event) => { event.preventDefault(); const id = search.value.trim(); if (id) location.hash = `#/members/${encodeURIComponent(id)}`; } },
    field('Customer id', search),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'primary' }, 'Find member')),
  );
  const content = h('div', { 'aria-live': 'polite' });
  show(root, card('Find a member', searchForm), content);
  if (customerId) await memberDetail(content, customerId);
  else await memberList(content);
}

async function memberList(content: HTMLElement) {
  const tier = h('select', { id: 'filter-tier' }, h('option', { value: '' }, 'All tiers'));
  const fading = h('input', { type: 'checkbox', id: 'filter-fading' });
  const rows = h('div', {});
  const more = h('button', { type: 'button', hidden: true }, 'Show more');
  let cursor: string | null = null;
  let listed: Listed[] = [];
  const load = async (next = false) => {
    if (!next) (listed = []), (cursor = null);
    const q = new URLSearchParams({ limit: '50' });
    if (tier.value) q.set('tier', tier.value);
    if (fading.checked) q.set('fading', 'true');
    if (next && cursor) q.set('cursor', cursor);
    try {
      const page = await api<{ members: Listed[]; nextCursor: string | null }>(`/members?${q}`);
      listed.push(...page.members);
      cursor = page.nextCursor;
    } catch (error) {
      show(rows, banner('critical', failure(error)));
      return;
    }
    more.hidden = !cursor;
    show(
      rows,
      listed.length
        ? table(
            ['Customer', 'Email', 'Tier', { text: 'Points', num: true }, { text: 'Orders', num: true }, 'Last order', 'Fading'],
            listed.map((m) => [h('a', { href: `#/members/${m.customerId}` }, m.customerId), m.email ?? '—', m.tier, number(m.balance), number(m.orderCount), date(m.lastOrderAt), m.fading ? 'Yes' : '']),
            'Members',
          )
        : h('p', { class: 'muted' }, 'No members match.'),
    );
  };
  tier.addEventListener('change', () => void load());
  fading.addEventListener('change', () => void load());
  more.addEventListener('click', () => void load(true));
  show(
    content,
    card(
      'Members',
      h('div', { class: 'row' }, field('Tier', tier), h('span', { class: 'check' }, fading, h('label', { for: fading.id }, 'Only fading members'))),
      rows,
      more,
    ),
  );
  try {
    const { program } = await api<{ program: { tiers: { name: string }[] } }>('/program');
    for (const t of program.tiers) tier.append(h('option', { value: t.name }, t.name));
  } catch {
    // The list still works without the tier names.
  }
  await load();
}

async function memberDetail(content: HTMLElement, customerId: string) {
  show(content, h('p', { class: 'muted', role: 'status' }, `Loading member ${customerId}…`));
  let member: Member, ledger: { entries: Entry[]; nextCursor: string | null };
  try {
    [member, ledger] = await Promise.all([api<Member>(`/members/${encodeURIComponent(customerId)}`), api<{ entries: Entry[]; nextCursor: string | null }>(`/members/${encodeURIComponent(customerId)}/ledger?limit=50`)]);
  } catch (error) {
    show(content, banner(error instanceof ApiError && error.status === 404 ? 'warning' : 'critical', error instanceof ApiError && error.status === 404 ? `No member with customer id ${customerId}.` : failure(error)), h('p', {}, h('a', { href: '#/members' }, 'All members')));
    return;
  }
  const name = [member.contact.firstName, member.contact.lastName].filter(Boolean).join(' ');
  const coupons = member.coupons ?? [];
  show(
    content,
    h('p', {}, h('a', { href: '#/members' }, '← All members')),
    card(
      `Member ${member.customerId}`,
      h('p', {}, [name, member.contact.email].filter(Boolean).join(' · ') || 'No contact data'),
      h(
        'div',
        { class: 'tiles' },
        h('div', { class: 'tile' }, h('div', { class: 'muted' }, 'Balance'), h('div', { class: 'value', 'data-balance': '' }, `${number(member.balance)} points`), member.pending ? h('div', { class: 'muted' }, `${number(member.pending)} pending`) : null),
        h('div', { class: 'tile' }, h('div', { class: 'muted' }, 'Tier'), h('div', { class: 'value' }, member.tier), h('div', { class: 'muted' }, `${money(member.tierSpend, member.currency)} spent in the window`)),
        h('div', { class: 'tile' }, h('div', { class: 'muted' }, 'Orders'), h('div', { class: 'value' }, number(member.orderCount)), h('div', { class: 'muted' }, `last ${date(member.lastOrderAt)}`)),
        h('div', { class: 'tile' }, h('div', { class: 'muted' }, 'Member since'), h('div', { class: 'value' }, date(member.enrolledAt)), member.fading ? h('div', { class: 'muted' }, `fading since ${date(member.fading.flaggedAt)}`) : null),
      ),
    ),
    adjustmentCard(member),
    card('Expiring points', member.expiring.length ? table([{ text: 'Points', num: true }, 'Expire on'], member.expiring.map((lot) => [number(lot.points), date(lot.expiresAt)]), 'Points by expiry date') : h('p', { class: 'muted' }, 'No points waiting to expire.')),
    card(
      'Coupons',
      coupons.length
        ? table(['Code', 'Reward', 'Status', 'Why', 'Created'], coupons.map((c) => [c.code, c.reward.name, statusBadge(c.status), [couponWhy(c), c.needsSettlement ? settleButtons(content, member, c) : null], date(c.createdAt)]), 'Coupons, newest first')
        : h('p', { class: 'muted' }, member.coupons ? 'No coupons yet.' : 'This service does not list coupons yet.'),
    ),
    card(
      'Ledger',
      ledger.entries.length
        ? table(
            ['When', 'What', { text: 'Points', num: true }, { text: 'Balance', num: true }, 'Details'],
            ledger.entries.map((e) => [dateTime(e.occurredAt), ENTRY_NAMES[e.type] ?? e.type, `${e.points > 0 ? '+' : ''}${number(e.points)}`, number(e.balanceAfter), [e.orderId ? `order ${e.orderId}` : '', e.couponCode ?? '', e.reason ?? '', e.adjustedBy ? `by ${e.adjustedBy}` : ''].filter(Boolean).join(' · ')]),
            'Ledger, newest first',
          )
        : h('p', { class: 'muted' }, 'No entries.'),
      ledger.nextCursor ? h('p', { class: 'muted' }, 'Showing the latest 50 entries.') : null,
    ),
  );
}

/** A reward Shopify may already have: the store owner says whether it is there (else its points go back). */
function settleButtons(content: HTMLElement, member: Member, coupon: Coupon) {
  const status = h('div', { 'aria-live': 'polite' });
  const settle = (outcome: 'issued' | 'not-issued') => async () => {
    try {
      await api(`/members/${encodeURIComponent(member.customerId)}/rewards/${encodeURIComponent(coupon.code)}/settlement`, { method: 'POST', body: { outcome } });
      await memberDetail(content, member.customerId);
    } catch (error) {
      show(status, banner('critical', failure(error)));
    }
  };
  return h(
    'div',
    { class: 'row' },
    h('button', { type: 'button', 'data-settle': 'issued', onclick: settle('issued') }, 'It is in Shopify'),
    h('button', { type: 'button', 'data-settle': 'not-issued', onclick: settle('not-issued') }, 'Not in Shopify: give the points back'),
    status,
  );
}

function adjustmentCard(member: Member) {
  const points = h('input', { type: 'text', inputmode: 'numeric', id: 'adjust-points', autocomplete: 'off' });
  const reason = h('input', { type: 'text', id: 'adjust-reason', maxlength: '500', autocomplete: 'off' });
  const status = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { 'aria-label': 'Adjust points', novalidate: true },
    h('div', { class: 'row' }, field('Points (negative to take away)', points), field('Reason', reason), h('div', { class: 'field' }, h('button', { type: 'submit', class: 'primary' }, 'Adjust'))),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const n = Number(points.value.trim());
    try {
      const answer = await api<{ balance: number }>(`/members/${encodeURIComponent(member.customerId)}/adjustments`, { method: 'POST', body: { points: Number.isInteger(n) ? n : points.value, reason: reason.value } });
      // Reload the member (balance, lots, ledger), keeping the confirmation in view.
      const main = form.closest('[aria-live]') as HTMLElement;
      await memberDetail(main, member.customerId);
      main.querySelector('#adjust-status')?.replaceChildren(banner('success', `Adjusted by ${n > 0 ? '+' : ''}${n} points. The balance is now ${number(answer.balance)} points.`));
    } catch (error) {
      const problems = error instanceof ApiError ? error.problem.problems : undefined;
      show(status, banner('critical', failure(error), problems?.length ? h('ul', {}, problems.map((p) => h('li', {}, `${p.path === 'points' ? 'Points' : p.path === 'reason' ? 'Reason' : p.path}: ${p.message}`))) : null));
    }
  });
  status.id = 'adjust-status';
  return card('Adjust points', form);
}
