/** @jsxImportSource preact */
/**
 * The customer's birthday on the Rewards page: a month and a day to save while none is given (or a
 * year after the last change), then the date and when its points come. English for now; the
 * storefront widget says the same. Hidden when the shop gives no birthday points.
 */
import { useState } from 'preact/hooks';
import { CustomerApiError, type Member } from './api.ts';

export interface BirthdaySectionProps {
  member: Member;
  /** Saves the birthday; rejects with the backend's problem. */
  onSave: (month: number, day: number) => Promise<void>;
  /** Today, `2026-06-01` (UTC): whether the birthday may change yet. */
  today: string;
  locale?: string;
}

const PROBLEMS: Record<string, string> = {
  'invalid-birthday': 'Please choose a day that month has.',
  'birthday-change-too-soon': 'Your birthday can be changed once a year.',
};

const dateText = (locale: string | undefined, iso: string, options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
const pad = (n: number) => String(n).padStart(2, '0');

export function BirthdaySection({ member, onSave, today, locale }: BirthdaySectionProps) {
  const [month, setMonth] = useState('');
  const [day, setDay] = useState('');
  const [status, setStatus] = useState<{ saving: boolean; error: string | null }>({ saving: false, error: null });
  const points = member.birthdayPoints ?? 0;
  const birthday = member.birthday;
  if (!birthday && points <= 0) return null;
  const changeable = !birthday || today >= birthday.changeableFrom;
  const save = async () => {
    setStatus({ saving: true, error: null });
    try {
      await onSave(Number(month), Number(day));
      setStatus({ saving: false, error: null });
    } catch (error) {
      setStatus({ saving: false, error: (error instanceof CustomerApiError && PROBLEMS[error.kind]) || 'That did not work. Please try again.' });
    }
  };
  return (
    <s-section heading="Your birthday">
      <s-stack direction="block" gap="base">
        {birthday ? (
          <s-stack direction="block" gap="small">
            <s-text>Your birthday: {dateText(locale, `2000-${pad(birthday.month)}-${pad(birthday.day)}`, { month: 'long', day: 'numeric' })}</s-text>
            {points > 0 && <s-text color="subdued">Your {points} birthday points come on {dateText(locale, birthday.nextRewardOn, { dateStyle: 'long' })}.</s-text>}
            {!changeable && <s-text color="subdued">You can change it from {dateText(locale, birthday.changeableFrom, { dateStyle: 'long' })}.</s-text>}
          </s-stack>
        ) : (
          <s-text>Tell us your birthday and get {points} points on the day, every year.</s-text>
        )}
        {changeable && (
          <s-stack direction="block" gap="small">
            <s-text color="subdued">A birthday less than 30 days away gets its first points next year. You can change it once a year.</s-text>
            <s-stack direction="inline" gap="base">
              <s-select id="birthday-month" label="Month" value={month} onChange={(event) => setMonth((event.currentTarget as unknown as { value: string }).value)}>
                {Array.from({ length: 12 }, (_, i) => (
                  <s-option key={i} value={String(i + 1)}>
                    {dateText(locale, `2000-${pad(i + 1)}-01`, { month: 'long' })}
                  </s-option>
                ))}
              </s-select>
              <s-number-field id="birthday-day" label="Day" min={1} max={31} value={day} onInput={(event) => setDay((event.currentTarget as unknown as { value: string }).value)} />
            </s-stack>
            {status.error && <s-text tone="critical">{status.error}</s-text>}
            <s-button id="save-birthday" variant="secondary" loading={status.saving} disabled={!month || !day} onClick={() => void save()}>
              Save my birthday
            </s-button>
          </s-stack>
        )}
      </s-stack>
    </s-section>
  );
}
