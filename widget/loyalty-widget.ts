/**
 * `<loyalty-widget>`: the storefront's view of the loyalty program, a plain custom element (no
 * framework: a handful of views re-rendered from one state object fit in a few KB) in an open
 * shadow root. It calls the storefront API in the folder it was loaded from, which in a store is
 * the App Proxy (`/apps/loyalty/`), so Shopify tells the service who is signed in.
 *
 * Attributes, all optional: `data-locale` (else `window.Shopify.locale`, else `<html lang>`),
 * `data-login-url` (the guest's sign-in link), `data-customer-id` (empty for a guest: skips the
 * member calls a guest would get 401 for; the server decides in any case).
 */
import { ApiError, storefrontApi, type ActivityEntry, type Member, type Program, type Reward, type StorefrontApi } from './api.ts';
import { append, h, type Child } from './dom.ts';
import { localeKit, storefrontLocale, type LocaleKit } from './messages.ts';
import { styles } from './styles.ts';
import { surveyView, type Survey } from './survey.ts';
import { campaignBanner } from './campaigns.ts';
import { arrivedWithCode, friendOfferView, referralShareView, type FriendOffer } from './referral.ts';
import { birthdayView, programBirthdayLines, type BirthdayForm } from './birthday.ts';

type View =
  | { kind: 'loading' }
  | { kind: 'error' }
  | { kind: 'guest'; program: Program }
  | { kind: 'member'; member: Member; activity: ActivityEntry[] | 'failed' };

const EXPIRING_SHOWN = 3;

/** A fresh key per click; a retry of that click sends the same one, so it never redeems twice. */
function idempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export class LoyaltyWidget extends HTMLElement {
  private api: StorefrontApi = storefrontApi(new URL('./', import.meta.url));
  private kit: LocaleKit = localeKit('en');
  private view: View = { kind: 'loading' };
  private body!: HTMLElement;
  private status!: HTMLElement;
  private started = false;
  private confirming: string | undefined;
  private redeeming: { rewardId: string; key: string } | undefined;
  private redeemError: { rewardId: string; message: string; retryKey?: string } | undefined;
  private coupon: { code: string; expiresAt: string; reward: string } | undefined;
  /** The store credit just redeemed: `issued` once Shopify has it, else on its way. */
  private credit: { amount: string; issued: boolean } | undefined;
  private copied = false;
  private survey: Survey = { comment: '', state: 'open' };
  private friendOffer: FriendOffer = { email: '', state: 'open' };
  private referralCopied = { value: false };
  private birthday: BirthdayForm = { month: '', day: '', state: 'open' };
  private focusNext: string | undefined;

  connectedCallback() {
    if (this.started) return;
    this.started = true;
    const locale = storefrontLocale(this);
    this.kit = localeKit(locale);
    this.api = storefrontApi(new URL('./', import.meta.url), locale);
    const shadow = this.attachShadow({ mode: 'open' });
    const style = h('style');
    style.textContent = styles;
    this.body = h('div');
    this.status = h('p', { class: 'sr', role: 'status' });
    shadow.append(style, h('section', { class: 'card', 'aria-label': this.kit.t.region, lang: this.kit.language }, this.body, this.status));
    void this.load();
  }

  private async load(silently = false) {
    if (!silently) this.show({ kind: 'loading' });
    const hint = this.dataset.customerId;
    try {
      if (hint === '') return this.show({ kind: 'guest', program: await this.api.program() });
      const [member, activity] = await Promise.allSettled([this.api.member(), this.api.activity()]);
      if (member.status === 'fulfilled') {
        return this.show({ kind: 'member', member: member.value, activity: activity.status === 'fulfilled' ? activity.value.entries : 'failed' });
      }
      if (member.reason instanceof ApiError && member.reason.type === 'not-a-member') {
        return this.show({ kind: 'guest', program: await this.api.program() });
      }
      throw member.reason;
    } catch {
      // A background refresh that fails keeps what is on screen; a first load shows the error.
      if (!silently || this.view.kind !== 'member') this.show({ kind: 'error' });
    }
  }

  private show(view: View) {
    this.view = view;
    this.render();
  }

  private render() {
    const shadow = this.shadowRoot!;
    const focused = (shadow.activeElement as HTMLElement | null)?.dataset.k;
    const view = this.view;
    this.body.setAttribute('aria-busy', String(view.kind === 'loading'));
    this.body.replaceChildren();
    append(this.body, view.kind === 'loading' ? this.loadingView() : view.kind === 'error' ? this.errorView() : view.kind === 'guest' ? this.guestView(view.program) : this.memberView(view.member, view.activity));
    const key = this.focusNext ?? focused;
    this.focusNext = undefined;
    if (key) shadow.querySelector<HTMLElement>(`[data-k="${key}"]`)?.focus();
  }

  /** Said by screen readers without moving focus; cleared first so a repeat is said again. */
  private announce(text: string) {
    this.status.textContent = '';
    setTimeout(() => (this.status.textContent = text), 50);
  }

  private loadingView(): Child[] {
    return [h('p', { class: 'mu' }, this.kit.t.loading), h('div', { class: 'sk', 'aria-hidden': 'true', style: 'width:40%;height:2.5em' }), h('div', { class: 'sk', 'aria-hidden': 'true' }), h('div', { class: 'sk', 'aria-hidden': 'true', style: 'width:70%' })];
  }

  private errorView(): Child[] {
    const { t } = this.kit;
    return [h('h2', {}, t.title), h('p', { class: 'er', role: 'alert' }, t.error), h('button', { type: 'button', 'data-k': 'reload', onclick: () => void this.load() }, t.retry)];
  }

  private guestView(program: Program): Child[] {
    const { t, points, money, days } = this.kit;
    const login = this.dataset.loginUrl || '/account/login';
    return [
      campaignBanner(program.campaigns, this.kit, program.currency),
      this.friendOfferView(program),
      h('h2', {}, program.programName ?? t.join),
      h('ul', { class: 'list' },
        h('li', {}, earningRate(program, this.kit)),
        program.signupBonus > 0 && h('li', {}, t.howBonus(points(program.signupBonus))),
        program.tiers.length > 1 && h('li', {}, t.howTiers, h('ul', { class: 'mu' }, program.tiers.map((tier) => h('li', {}, t.tierRow(tier.name, money(tier.minSpend, program.currency), this.kit.number(tier.multiplier)), tier.description && [h('br'), tier.description])))),
        program.rewards.length > 0 && h('li', {}, t.howRewards, h('ul', { class: 'mu' }, program.rewards.map((reward) => h('li', {}, `${reward.name}: ${points(reward.cost)}`, reward.description && [h('br'), reward.description])))),
        program.expiry.days > 0 && h('li', {}, t.howExpiry(days(program.expiry.days))),
        programBirthdayLines(program),
      ),
      h('p', { style: 'margin-top:1em' }, h('a', { class: 'btn', href: login, 'data-k': 'login' }, t.signIn)),
    ];
  }

  private memberView(member: Member, activity: ActivityEntry[] | 'failed'): Child[] {
    const { t, points } = this.kit;
    return [
      campaignBanner(member.campaigns, this.kit, member.currency),
      h('h2', {}, t.title),
      h('p', { class: 'mu', id: 'balance-label' }, t.balance),
      h('p', { class: 'big', 'aria-describedby': 'balance-label', 'data-balance': member.balance }, this.kit.number(member.balance)),
      member.pending > 0 && h('p', { class: 'mu' }, t.pending(points(member.pending))),
      this.tierView(member),
      this.coupon && this.couponView(this.coupon),
      this.credit && this.creditView(this.credit),
      h('h3', {}, t.rewards),
      member.rewards.length === 0 ? h('p', { class: 'mu' }, t.noRewards) : h('ul', { class: 'list' }, member.rewards.map((reward) => this.rewardView(reward, member))),
      member.expiring.length > 0 && [
        h('h3', {}, t.expiring),
        h('ul', { class: 'list' }, [...expiringByDay(member, this.kit)].slice(0, EXPIRING_SHOWN).map(([day, sum]) => h('li', { class: 'row' }, h('span', {}, points(sum)), h('span', { class: 'mu' }, day)))),
      ],
      h('h3', {}, t.activity),
      this.activityView(activity),
      member.referral && referralShareView(member.referral, this.referralHost(), this.referralCopied),
      birthdayView(member, this.birthday, { ...this.referralHost(), language: this.kit.language, reload: () => void this.load(true) }, new Date().toISOString().slice(0, 10)),
      surveyView(this.survey, {
        t,
        api: this.api,
        customerId: member.customerId,
        render: () => this.render(),
        announce: (text) => this.announce(text),
        focusNext: (key) => (this.focusNext = key),
      }),
    ];
  }

  private referralHost() {
    return { api: this.api, render: () => this.render(), announce: (text: string) => this.announce(text) };
  }

  /** A visitor who came through a member's referral link: the friend's welcome reward, to claim. */
  private friendOfferView(program: Program): Child {
    const code = arrivedWithCode();
    const reward = program.referrals?.friendReward;
    return code && reward ? friendOfferView(code, reward.name, this.friendOffer, this.referralHost()) : null;
  }

  private tierView(member: Member): Child {
    const { t, money, number } = this.kit;
    const next = member.nextTier;
    const percent = next ? Math.min(100, Math.max(0, Math.round((Number(member.tierSpend) / Number(next.minSpend)) * 100))) : 100;
    const toNext = next && t.toNext(money(next.remaining, next.currency), next.name);
    return h('div', { class: 'tier' },
      h('p', {}, h('strong', {}, t.tier(member.tier))),
      member.tierDescription && h('p', { class: 'mu', 'data-tier-description': '' }, member.tierDescription),
      member.tierMultiplier !== 1 && h('p', { class: 'mu' }, t.multiplier(number(member.tierMultiplier))),
      next
        ? [
            h('div', { class: 'bar', role: 'progressbar', 'aria-label': t.progress(next.name), 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': percent, 'aria-valuetext': toNext },
              h('div', { class: 'fill', style: `width:${percent}%` })),
            h('p', { class: 'mu', style: 'margin:0' }, toNext),
          ]
        : h('p', { class: 'mu', style: 'margin:0' }, t.topTier),
    );
  }

  private rewardView(reward: Reward & { affordable: boolean }, member: Member): Child {
    const { t, points, money } = this.kit;
    const id = reward.id;
    const busy = this.redeeming?.rewardId === id;
    const failure = this.redeemError?.rewardId === id ? this.redeemError : undefined;
    const why = `why-${id}`;
    let actions: Child;
    if (this.confirming === id) {
      actions = [
        h('span', {}, t.confirm(points(reward.cost))),
        h('button', { type: 'button', 'data-k': `confirm-${id}`, onclick: () => void this.redeem(reward, idempotencyKey()) }, t.confirmYes),
        h('button', { type: 'button', class: 'sec', 'data-k': `cancel-${id}`, onclick: () => this.ask(undefined, `redeem-${id}`) }, t.cancel),
      ];
    } else if (failure?.retryKey) {
      const key = failure.retryKey;
      actions = h('button', { type: 'button', 'data-k': `retry-${id}`, onclick: () => void this.redeem(reward, key) }, t.retry);
    } else {
      const blocked = !reward.affordable || this.redeeming !== undefined;
      actions = h('button', {
        type: 'button',
        'data-k': `redeem-${id}`,
        'aria-label': t.redeemLabel(reward.name),
        // aria-disabled, not disabled: the button stays reachable with Tab and says why it is off.
        'aria-disabled': blocked ? 'true' : undefined,
        'aria-describedby': reward.affordable ? undefined : why,
        'aria-busy': busy ? 'true' : undefined,
        onclick: () => !blocked && this.ask(id, `confirm-${id}`),
      }, busy ? t.redeeming : t.redeem);
    }
    return h('li', {},
      h('div', { class: 'row' },
        h('div', {}, h('strong', {}, reward.name), reward.description && [h('br'), h('span', { class: 'mu', 'data-description': '' }, reward.description)], h('br'), h('span', { class: 'mu' }, points(reward.cost)), reward.minimumOrder && [h('br'), h('span', { class: 'mu' }, t.minimumOrder(money(reward.minimumOrder, member.currency)))]),
        h('div', { class: 'act' }, actions),
      ),
      !reward.affordable && h('p', { class: 'mu', id: why, style: 'margin:.25em 0 0' }, t.needMore(points(reward.cost - member.balance))),
      failure && h('p', { class: 'er', role: 'alert', style: 'margin:.25em 0 0' }, failure.message),
    );
  }

  private ask(rewardId: string | undefined, focus: string) {
    this.confirming = rewardId;
    this.redeemError = undefined;
    this.focusNext = focus;
    this.render();
  }

  private async redeem(reward: Reward, key: string) {
    const { t } = this.kit;
    this.confirming = undefined;
    this.redeemError = undefined;
    this.redeeming = { rewardId: reward.id, key };
    this.focusNext = `redeem-${reward.id}`;
    this.render();
    try {
      const redemption = await this.api.redeem(reward.id, key);
      const credit = redemption.kind === 'store_credit' ? { amount: this.kit.money(redemption.value ?? '0', redemption.currency ?? ''), issued: redemption.status === 'issued' } : undefined;
      this.credit = credit;
      this.coupon = credit ? undefined : { code: redemption.code ?? '', expiresAt: redemption.expiresAt ?? '', reward: reward.name };
      this.copied = false;
      if (this.view.kind === 'member') {
        const member = this.view.member;
        member.balance = redemption.balance;
        for (const each of member.rewards) each.affordable = redemption.balance >= each.cost;
      }
      this.focusNext = 'coupon';
      this.announce(credit ? t.creditRedeemed(credit.amount, this.kit.points(redemption.balance)) : t.redeemed(redemption.code ?? '', this.kit.points(redemption.balance)));
    } catch (error) {
      const retryable = error instanceof ApiError && error.retryable;
      const message = error instanceof ApiError && error.type === 'insufficient-points' ? t.notEnough : t.redeemFailed;
      this.redeemError = { rewardId: reward.id, message, ...(retryable ? { retryKey: key } : {}) };
      this.focusNext = retryable ? `retry-${reward.id}` : `redeem-${reward.id}`;
    }
    this.redeeming = undefined;
    this.render();
    // The balance, tier, expiring lots and activity as the server now has them.
    void this.load(true);
  }

  private creditView(credit: { amount: string; issued: boolean }): Child {
    const { t } = this.kit;
    return h('div', { class: 'coupon', tabindex: -1, 'data-k': 'coupon', role: 'status' },
      h('p', { style: 'font-weight:700', 'data-credit': credit.issued ? 'issued' : 'pending' }, credit.issued ? t.creditAdded(credit.amount) : t.creditPending(credit.amount)),
    );
  }

  private couponView(coupon: { code: string; expiresAt: string; reward: string }): Child {
    const { t } = this.kit;
    const code = h('code', { 'data-code': '' }, coupon.code);
    return h('div', { class: 'coupon', tabindex: -1, 'data-k': 'coupon', role: 'group', 'aria-labelledby': 'coupon-title' },
      h('p', { id: 'coupon-title', style: 'font-weight:700' }, `${t.yourCode}: ${coupon.reward}`),
      h('div', { class: 'row' }, code, h('button', { type: 'button', class: 'sec', 'data-k': 'copy', onclick: () => void this.copy(coupon.code, code) }, this.copied ? t.copied : t.copy)),
      h('p', { class: 'mu', style: 'margin:.5em 0 0' }, t.useBy(this.kit.date(coupon.expiresAt))),
    );
  }

  private async copy(text: string, element: HTMLElement) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard access (an old browser, an insecure page): select the code for Ctrl+C instead.
      const range = document.createRange();
      range.selectNodeContents(element);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      return;
    }
    this.copied = true;
    this.render();
    this.announce(this.kit.t.copied);
  }

  private activityView(activity: ActivityEntry[] | 'failed'): Child {
    const { t, date, signedPoints } = this.kit;
    if (activity === 'failed') return h('p', { class: 'mu' }, t.activityFailed);
    if (activity.length === 0) return h('p', { class: 'mu' }, t.noActivity);
    return h('ul', { class: 'list' },
      activity.map((entry) =>
        h('li', { class: 'row' },
          h('span', {}, t.types[entry.type] ?? entry.type, h('br'), h('span', { class: 'mu' }, date(entry.occurredAt))),
          h('strong', {}, signedPoints(entry.points)),
        ),
      ),
    );
  }
}

/**
 * "Earn 1 point for every $1", or, where a point takes more than one unit (the yen default earns
 * 0.01 a yen), "Earn 1 point for every ¥100" rather than "0.01 points for every ¥1".
 */
function earningRate(program: Program, kit: LocaleKit): string {
  const rate = program.earning.pointsPerUnit;
  if (rate >= 1) return kit.t.howEarn(kit.points(rate), kit.money('1', program.currency));
  return kit.t.howEarn(kit.points(1), kit.money(String(Math.round((1 / rate) * 100) / 100), program.currency));
}

/** Lots come soonest first; those of one day are one line, as the customer sees a date, not lots. */
function expiringByDay(member: Member, kit: LocaleKit): Map<string, number> {
  const byDay = new Map<string, number>();
  for (const lot of member.expiring) {
    const day = kit.date(lot.expiresAt);
    byDay.set(day, (byDay.get(day) ?? 0) + lot.points);
  }
  return byDay;
}

if (!customElements.get('loyalty-widget')) customElements.define('loyalty-widget', LoyaltyWidget);
