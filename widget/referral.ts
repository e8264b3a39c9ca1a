/**
 * Referrals in the widget: a member sees their link and code with a copy button; a visitor who
 * arrived through a link (`?ref=CODE`, kept for the visit) sees the friend's welcome reward and
 * claims it with an e-mail, then sees the code to use at checkout. The store owner's program
 * decides whether any of it shows (`referral` on the member, `referrals` on the program).
 */
import { ApiError, type StorefrontApi } from './api.ts';
import { h, type Child } from './dom.ts';

export interface FriendOffer {
  email: string;
  state: 'open' | 'sending' | 'failed' | 'claimed';
  problem?: string;
  code?: string;
}

export interface ReferralHost {
  api: StorefrontApi;
  render: () => void;
  announce: (text: string) => void;
}

/** English words; the shop's own words for the reward come from its program. */
const words = {
  shareTitle: 'Refer a friend',
  shareText: 'Share your link: your friend gets a welcome reward, and you earn points once their first order is in.',
  link: 'Your referral link',
  code: (code: string) => `Your code: ${code}`,
  copy: 'Copy link',
  copied: 'Link copied',
  offerTitle: 'A welcome gift from a friend',
  offerText: (reward: string) => `${reward} on your first order. Enter your e-mail to get your code.`,
  email: 'E-mail',
  claim: 'Get my code',
  yourCode: 'Your welcome code, to enter at checkout:',
  failed: 'That did not work. Please try again.',
  problems: {
    'unknown-referral-code': 'This referral link is not valid any more.',
    'self-referral': 'Referral rewards are for new customers invited by someone else.',
    'already-referred': 'This e-mail already has a welcome reward.',
    'invalid-request': 'Please enter a valid e-mail address.',
    'rate-limited': 'Too many tries; please wait a little.',
  } as Record<string, string>,
};

const REF_KEY = 'loyalty-widget:ref';

/** The code the visitor arrived with: `?ref=` on this page, else the one kept for the visit. */
export function arrivedWithCode(): string | undefined {
  const fromUrl = new URLSearchParams(location.search).get('ref')?.trim().toUpperCase();
  try {
    if (fromUrl && /^[A-Z2-9]{8}$/.test(fromUrl)) sessionStorage.setItem(REF_KEY, fromUrl);
    return sessionStorage.getItem(REF_KEY) ?? undefined;
  } catch {
    return fromUrl && /^[A-Z2-9]{8}$/.test(fromUrl) ? fromUrl : undefined;
  }
}

export function referralShareView(referral: { code: string; url: string }, host: ReferralHost, copied: { value: boolean }): Child {
  const copy = h('button', { type: 'button', 'data-k': 'copy-referral' }, copied.value ? words.copied : words.copy);
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(referral.url);
      copied.value = true;
      host.announce(words.copied);
      host.render();
    } catch {
      // No clipboard (an old browser, or permission refused): the link is there to select.
    }
  });
  return [
    h('h3', {}, words.shareTitle),
    h('p', { class: 'mu' }, words.shareText),
    h('label', { for: 'referral-link' }, words.link),
    h('input', { id: 'referral-link', type: 'text', readonly: true, value: referral.url, 'data-k': 'referral-link', onfocus: (event: Event) => (event.target as HTMLInputElement).select() }),
    h('p', { class: 'row' }, h('span', { class: 'mu' }, words.code(referral.code)), copy),
  ];
}

export function friendOfferView(code: string, reward: string, offer: FriendOffer, host: ReferralHost): Child {
  if (offer.state === 'claimed' && offer.code) {
    return h('div', { role: 'status', style: 'margin-bottom:1.5em' }, h('h3', {}, words.offerTitle), h('p', {}, words.yourCode), h('p', { class: 'big', 'data-welcome-code': offer.code }, offer.code));
  }
  const input = h('input', { id: 'friend-email', type: 'email', autocomplete: 'email', required: true, value: offer.email, 'data-k': 'friend-email', oninput: (event: Event) => (offer.email = (event.target as HTMLInputElement).value) });
  const submit = async (event: Event) => {
    event.preventDefault();
    if (offer.state === 'sending') return;
    offer.state = 'sending';
    host.render();
    try {
      const claimed = await host.api.claimReferral(code, offer.email.trim());
      offer.state = 'claimed';
      offer.code = claimed.code;
      host.announce(`${words.yourCode} ${claimed.code}`);
    } catch (error) {
      offer.state = 'failed';
      offer.problem = (error instanceof ApiError && words.problems[error.type]) || words.failed;
    }
    host.render();
  };
  return h('form', { onsubmit: submit, style: 'margin-bottom:1.5em' },
    h('h3', {}, words.offerTitle),
    h('p', {}, words.offerText(reward)),
    h('label', { for: 'friend-email' }, words.email),
    input,
    offer.state === 'failed' && h('p', { class: 'er', role: 'alert' }, offer.problem ?? words.failed),
    h('button', { type: 'submit', 'data-k': 'claim-referral', 'aria-disabled': offer.state === 'sending' ? 'true' : undefined }, words.claim),
  );
}
