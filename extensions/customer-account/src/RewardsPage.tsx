/** @jsxImportSource preact */
/**
 * The Rewards page (`customer-account.page.render`): balance, tier and the way to the next,
 * points expiring soon, rewards to redeem, and the activity, paged. `RewardsPageView` draws one
 * state with Polaris web components; `RewardsPage` loads it and keeps it current.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CustomerApi } from './api.ts';
import { BirthdaySection } from './BirthdaySection.tsx';
import { localeFormat } from './locale-format.ts';
import { messagesFor } from './messages.ts';
import { initialRewardsPageState, rewardsPageModel, type RewardsPageState } from './rewards-page-model.ts';
import {
  activityRow,
  redemptionFailure,
  redemptionNotice,
  rewardsView,
  type RewardOffer,
  type RewardsView,
  type ViewContext,
} from './rewards-view.ts';

export interface RewardsPageViewProps {
  state: RewardsPageState;
  context: ViewContext;
  now: Date;
  onRedeem: (rewardId: string) => void;
  onMore: () => void;
  onRetry: () => void;
  /** Saves the customer's birthday; without it the birthday section is not shown. */
  onSaveBirthday?: (month: number, day: number) => Promise<void>;
  locale?: string;
}

export function RewardsPageView({ state, context, now, onRedeem, onMore, onRetry, onSaveBirthday, locale }: RewardsPageViewProps) {
  const { messages } = context;
  if (state.status === 'loading' || !state.member) {
    return (
      <s-page heading={messages.pageTitle}>
        <s-section>
          {state.status === 'failed' ? (
            <s-banner tone="critical" heading={messages.loadFailed}>
              <s-button onClick={onRetry}>{messages.retry}</s-button>
            </s-banner>
          ) : state.status === 'signed-out' ? (
            <s-banner tone="info" heading={messages.notSignedIn} />
          ) : (
            <s-stack direction="inline" gap="base" alignItems="center">
              <s-spinner accessibilityLabel={messages.loading} />
              <s-text>{messages.loading}</s-text>
            </s-stack>
          )}
        </s-section>
      </s-page>
    );
  }
  const view = rewardsView(state.member, state.program ?? undefined, now, context);
  return (
    <s-page heading={messages.pageTitle}>
      <s-stack direction="block" gap="large">
        <StandingSection view={view} context={context} />
        {view.expiringSoon.length > 0 && (
          <s-section heading={messages.expiringSoon}>
            <s-unordered-list>
              {view.expiringSoon.map((lot) => (
                <s-list-item key={lot.key}>{lot.text}</s-list-item>
              ))}
            </s-unordered-list>
          </s-section>
        )}
        <RewardsSection view={view} state={state} context={context} onRedeem={onRedeem} />
        {state.member.referral && <ReferralSection referral={state.member.referral} />}
        {onSaveBirthday && <BirthdaySection member={state.member} onSave={onSaveBirthday} today={now.toISOString().slice(0, 10)} {...(locale ? { locale } : {})} />}
        <ActivitySection state={state} context={context} onMore={onMore} />
      </s-stack>
    </s-page>
  );
}

/** The customer's referral link and code to share (English for now; the widget says the same). */
function ReferralSection({ referral }: { referral: { code: string; url: string } }) {
  return (
    <s-section heading="Refer a friend">
      <s-stack direction="block" gap="small">
        <s-text>Share your link: your friend gets a welcome reward, and you earn points once their first order is in.</s-text>
        <s-link href={referral.url}>{referral.url}</s-link>
        <s-text color="subdued">Your code: {referral.code}</s-text>
      </s-stack>
    </s-section>
  );
}

function StandingSection({ view, context }: { view: RewardsView; context: ViewContext }) {
  return (
    <s-section heading={context.messages.balance}>
      <s-stack direction="block" gap="base">
        <s-heading>{view.balance}</s-heading>
        {view.pending && <s-text color="subdued">{view.pending}</s-text>}
        <s-stack direction="inline" gap="base" alignItems="center">
          <s-badge>{view.tier}</s-badge>
          {view.multiplier && <s-text>{view.multiplier}</s-text>}
        </s-stack>
        {view.tierDescription && <s-text color="subdued">{view.tierDescription}</s-text>}
        {view.progress && (
          <s-stack direction="block" gap="small">
            <s-progress value={view.progress.fraction} max={1} accessibilityLabel={view.progress.accessibilityLabel} />
            <s-text>{view.progress.label}</s-text>
          </s-stack>
        )}
        {view.topTier && <s-text>{view.topTier}</s-text>}
        {view.earning && <s-text color="subdued">{view.earning}</s-text>}
      </s-stack>
    </s-section>
  );
}

interface RewardsSectionProps {
  view: RewardsView;
  state: RewardsPageState;
  context: ViewContext;
  onRedeem: (rewardId: string) => void;
}

function RewardsSection({ view, state, context, onRedeem }: RewardsSectionProps) {
  const { messages } = context;
  const notice = state.redeemed ? redemptionNotice(state.redeemed, context) : null;
  return (
    <s-section heading={messages.rewards}>
      <s-stack direction="block" gap="base">
        {notice && (
          <s-banner tone={notice.tone} heading={notice.heading}>
            <s-stack direction="block" gap="small">
              {notice.code && <s-text type="strong">{notice.code}</s-text>}
              {notice.lines.map((line) => (
                <s-text key={line}>{line}</s-text>
              ))}
            </s-stack>
          </s-banner>
        )}
        {view.rewards.length === 0 && <s-text color="subdued">{messages.noRewards}</s-text>}
        {view.rewards.map((offer) => (
          <RewardRow
            key={offer.id}
            offer={offer}
            busy={state.redeeming === offer.id}
            locked={state.redeeming !== null}
            failure={state.failure?.rewardId === offer.id ? redemptionFailure(state.failure.error, messages) : null}
            redeemingLabel={messages.redeeming}
            onRedeem={onRedeem}
          />
        ))}
      </s-stack>
    </s-section>
  );
}

interface RewardRowProps {
  offer: RewardOffer;
  busy: boolean;
  locked: boolean;
  failure: string | null;
  redeemingLabel: string;
  onRedeem: (rewardId: string) => void;
}

function RewardRow({ offer, busy, locked, failure, redeemingLabel, onRedeem }: RewardRowProps) {
  return (
    <s-stack direction="inline" gap="base" justifyContent="space-between" alignItems="center" border="base" borderRadius="base" padding="base">
      <s-stack direction="block" gap="small-200">
        <s-text type="strong">{offer.name}</s-text>
        <s-text>{offer.description}</s-text>
        {offer.details && <s-text color="subdued">{offer.details}</s-text>}
        <s-text color="subdued">{offer.cost}</s-text>
        {offer.minimumOrder && <s-text color="subdued">{offer.minimumOrder}</s-text>}
        {offer.shortfall && <s-text color="subdued">{offer.shortfall}</s-text>}
        {failure && <s-text tone="critical">{failure}</s-text>}
      </s-stack>
      <s-button
        id={`redeem-${offer.id}`}
        variant="primary"
        disabled={!offer.affordable || locked}
        loading={busy}
        accessibilityLabel={busy ? redeemingLabel : offer.accessibilityLabel}
        onClick={() => onRedeem(offer.id)}
      >
        {offer.buttonLabel}
      </s-button>
    </s-stack>
  );
}

function ActivitySection({ state, context, onMore }: { state: RewardsPageState; context: ViewContext; onMore: () => void }) {
  const { messages } = context;
  const { activity } = state;
  const rows = activity.entries.map((entry) => activityRow(entry, context));
  return (
    <s-section heading={messages.activity}>
      <s-stack direction="block" gap="base">
        {activity.status === 'loading' && <s-spinner accessibilityLabel={messages.loading} />}
        {activity.status === 'failed' && <s-text tone="critical">{messages.activityFailed}</s-text>}
        {activity.status !== 'loading' && rows.length === 0 && activity.status !== 'failed' && <s-text color="subdued">{messages.noActivity}</s-text>}
        {rows.map((row) => (
          <s-stack key={row.id} direction="inline" gap="base" justifyContent="space-between">
            <s-stack direction="block">
              <s-text>{row.label}</s-text>
              <s-text color="subdued">{row.date}</s-text>
            </s-stack>
            <s-text type="strong">{row.points}</s-text>
          </s-stack>
        ))}
        {activity.nextCursor && (
          <s-button id="activity-more" variant="secondary" loading={activity.status === 'loading-more'} onClick={onMore}>
            {messages.more}
          </s-button>
        )}
      </s-stack>
    </s-section>
  );
}

export interface RewardsPageProps {
  api: CustomerApi;
  /** The customer's language tag (`shopify.localization.language`), for words, numbers and dates. */
  locale: string | undefined;
}

export function RewardsPage({ api, locale }: RewardsPageProps) {
  const context = useMemo<ViewContext>(() => ({ format: localeFormat(locale), messages: messagesFor(locale) }), [locale]);
  const [state, setState] = useState(initialRewardsPageState);
  const model = useMemo(() => rewardsPageModel(api, { onChange: setState }), [api]);
  useEffect(() => {
    void model.load();
  }, [model]);
  return <RewardsPageView state={state} context={context} now={new Date()} onRedeem={model.redeem} onMore={model.more} onRetry={model.load} onSaveBirthday={model.saveBirthday} {...(locale ? { locale } : {})} />;
}
