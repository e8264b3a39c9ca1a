/**
 * The member's birthday in the widget: a month and day form while none is given (or a year after
 * the last change), the date and when its points come once it is. The rules are said plainly:
 * points once a year on the day, a birthday less than 30 days away gets its first points the year
 * after, and it can change once a year. Hidden when the shop gives no birthday points.
 */
import { ApiError, type Member, type Program, type StorefrontApi } from './api.ts';
import { h, type Child } from './dom.ts';

export interface BirthdayForm {
  month: string;
  day: string;
  state: 'open' | 'sending' | 'failed' | 'saved';
  problem?: string;
}

export interface BirthdayHost {
  api: StorefrontApi;
  /** The storefront's locale: month names and dates in its language. */
  language: string;
  render: () => void;
  announce: (text: string) => void;
  /** Reads the member again after a save, so the panel shows what is stored. */
  reload: () => void;
}

/** English words; month names and dates come from the browser in the storefront's language. */
const words = {
  title: 'Your birthday',
  intro: (points: number) => `Tell us your birthday and get ${points} points on the day, every year.`,
  rules: 'A birthday less than 30 days away gets its first points next year. You can change it once a year.',
  month: 'Month',
  day: 'Day',
  save: 'Save my birthday',
  saved: 'Birthday saved.',
  yours: (date: string) => `Your birthday: ${date}.`,
  next: (points: number, on: string) => `Your ${points} birthday points come on ${on}.`,
  changeFrom: (on: string) => `You can change it from ${on}.`,
  failed: 'That did not work. Please try again.',
  problems: {
    'invalid-birthday': 'Please choose a day that month has.',
    'birthday-change-too-soon': 'Your birthday can be changed once a year.',
  } as Record<string, string>,
};

const DATE = (language: string, iso: string, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(language, { ...options, timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));

/** What a visitor is told of birthdays and guest orders in the program's list (nothing when off). */
export function programBirthdayLines(program: Program): Child {
  const points = program.birthday?.points ?? 0;
  const days = program.guests?.claimDays ?? 0;
  return [
    points > 0 && h('li', { 'data-k': 'program-birthday' }, `${points} points every year on your birthday.`),
    days > 0 && h('li', { 'data-k': 'program-guests' }, `Ordered as a guest? Those points wait ${days} days for an account opened with the same email.`),
  ];
}

export function birthdayView(member: Member, form: BirthdayForm, host: BirthdayHost, today: string): Child {
  const points = member.birthdayPoints ?? 0;
  const birthday = member.birthday;
  if (!birthday && points <= 0) return null;
  const monthDay = (month: number, day: number) => DATE(host.language, `2000-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, { month: 'long', day: 'numeric' });
  const shown: Child = birthday && [
    h('p', { 'data-birthday': `${birthday.month}-${birthday.day}` }, words.yours(monthDay(birthday.month, birthday.day))),
    points > 0 && h('p', { class: 'mu' }, words.next(points, DATE(host.language, birthday.nextRewardOn, { dateStyle: 'long' }))),
    today < birthday.changeableFrom && h('p', { class: 'mu' }, words.changeFrom(DATE(host.language, birthday.changeableFrom, { dateStyle: 'long' }))),
  ];
  if (birthday && today < birthday.changeableFrom) return [h('h3', {}, words.title), shown];

  const submit = async (event: Event) => {
    event.preventDefault();
    if (form.state === 'sending') return;
    form.state = 'sending';
    host.render();
    try {
      await host.api.setBirthday(Number(form.month), Number(form.day));
      form.state = 'saved';
      host.announce(words.saved);
      host.reload();
    } catch (error) {
      form.state = 'failed';
      form.problem = (error instanceof ApiError && words.problems[error.type]) || words.failed;
    }
    host.render();
  };
  const months = Array.from({ length: 12 }, (_, i) => h('option', { value: String(i + 1), selected: form.month === String(i + 1) }, DATE(host.language, `2000-${String(i + 1).padStart(2, '0')}-01`, { month: 'long' })));
  return h('form', { onsubmit: submit, 'data-k': 'birthday-form' },
    h('h3', {}, words.title),
    shown || h('p', {}, words.intro(points)),
    h('p', { class: 'mu' }, words.rules),
    h('p', { class: 'row' },
      h('label', {}, words.month, ' ', h('select', { 'data-k': 'birthday-month', required: true, onchange: (e: Event) => (form.month = (e.target as HTMLSelectElement).value) }, h('option', { value: '' }, '—'), months)),
      h('label', {}, words.day, ' ', h('input', { type: 'number', min: 1, max: 31, required: true, 'data-k': 'birthday-day', value: form.day, style: 'width:4.5em', oninput: (e: Event) => (form.day = (e.target as HTMLInputElement).value) })),
    ),
    form.state === 'failed' && h('p', { class: 'er', role: 'alert' }, form.problem ?? words.failed),
    form.state === 'saved' && h('p', { role: 'status' }, words.saved),
    h('button', { type: 'submit', 'data-k': 'save-birthday', 'aria-disabled': form.state === 'sending' ? 'true' : undefined }, words.save),
  );
}
