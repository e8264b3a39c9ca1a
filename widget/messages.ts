/**
 * The widget's text in English, Russian and Romanian, and the formatting of numbers, money and
 * dates for the storefront's locale. Counted words (points, days) take their plural form from
 * `Intl.PluralRules`, so Russian gets 1 балл, 2 балла, 5 баллов and Romanian 1 punct, 2 puncte,
 * 20 de puncte. A language without a dictionary here gets English text, but numbers and dates
 * still follow the storefront's locale.
 */

/** Forms by plural category; `#` is where the formatted number goes. */
type Plural = { [category in Intl.LDMLPluralRule]?: string } & { other: string };

const en = {
  region: 'Rewards program',
  title: 'Rewards',
  loading: 'Loading your rewards…',
  error: 'We could not load your rewards right now.',
  retry: 'Try again',
  points: { one: '# point', other: '# points' } as Plural,
  days: { one: '# day', other: '# days' } as Plural,
  balance: 'Your points',
  pending: (points: string) => `${points} pending`,
  tier: (name: string) => `${name} tier`,
  multiplier: (times: string) => `${times}× points on every order`,
  toNext: (amount: string, tier: string) => `Spend ${amount} more to reach ${tier}`,
  progress: (tier: string) => `Progress to ${tier}`,
  topTier: 'You have reached the top tier.',
  rewards: 'Spend your points',
  noRewards: 'There are no rewards yet.',
  minimumOrder: (amount: string) => `On orders from ${amount}`,
  redeem: 'Redeem',
  redeemLabel: (reward: string) => `Redeem ${reward}`,
  needMore: (points: string) => `You need ${points} more`,
  confirm: (points: string) => `Spend ${points}?`,
  confirmYes: 'Yes, redeem',
  cancel: 'Cancel',
  redeeming: 'Redeeming…',
  redeemFailed: 'We could not redeem this reward.',
  notEnough: 'You no longer have enough points.',
  yourCode: 'Your discount code',
  useBy: (date: string) => `Enter it at checkout by ${date}.`,
  copy: 'Copy code',
  copied: 'Copied',
  redeemed: (code: string, balance: string) => `Reward redeemed. Your code is ${code}. New balance: ${balance}.`,
  creditAdded: (amount: string) => `${amount} store credit added`,
  creditPending: (amount: string) => `${amount} store credit is on its way: it shows at checkout once your store has it.`,
  creditRedeemed: (amount: string, balance: string) => `Reward redeemed: ${amount} store credit. New balance: ${balance}.`,
  expiring: 'Points expiring',
  activity: 'Recent activity',
  noActivity: 'No activity yet.',
  activityFailed: 'Activity is not available right now.',
  types: { earn: 'Order', reverse: 'Refund', bonus: 'Bonus', adjust: 'Adjustment', redeem: 'Reward', expire: 'Expired', rerate: 'Tier update' },
  survey: 'How likely are you to recommend us to a friend?',
  surveyLow: '0: not likely',
  surveyHigh: '10: very likely',
  comment: 'Anything to add? (optional)',
  send: 'Send',
  thanks: 'Thank you for your answer!',
  surveyFailed: 'We could not send your answer.',
  join: 'Join our rewards program',
  howEarn: (points: string, amount: string) => `Earn ${points} for every ${amount} you spend.`,
  howBonus: (points: string) => `Get ${points} when you create an account.`,
  howTiers: 'The more you spend in a year, the faster you earn:',
  tierRow: (name: string, amount: string, times: string) => `${name}: from ${amount}, ${times}× points`,
  howRewards: 'Spend your points on rewards:',
  howExpiry: (days: string) => `Points expire ${days} after you earn them.`,
  signIn: 'Sign in or create an account',
};

export type Messages = typeof en;

const ru: Messages = {
  region: 'Бонусная программа',
  title: 'Бонусная программа',
  loading: 'Загружаем ваши бонусы…',
  error: 'Не удалось загрузить ваши бонусы.',
  retry: 'Повторить',
  points: { one: '# балл', few: '# балла', many: '# баллов', other: '# балла' },
  days: { one: '# день', few: '# дня', many: '# дней', other: '# дня' },
  balance: 'Ваши баллы',
  pending: (points) => `В ожидании: ${points}`,
  tier: (name) => `Уровень ${name}`,
  multiplier: (times) => `×${times} баллов за каждый заказ`,
  toNext: (amount, tier) => `Ещё ${amount} покупок до уровня ${tier}`,
  progress: (tier) => `Прогресс до уровня ${tier}`,
  topTier: 'Вы достигли высшего уровня.',
  rewards: 'Обменяйте баллы',
  noRewards: 'Наград пока нет.',
  minimumOrder: (amount) => `Для заказов от ${amount}`,
  redeem: 'Получить',
  redeemLabel: (reward) => `Получить: ${reward}`,
  needMore: (points) => `Нужно ещё ${points}`,
  confirm: (points) => `Потратить ${points}?`,
  confirmYes: 'Да, получить',
  cancel: 'Отмена',
  redeeming: 'Оформляем…',
  redeemFailed: 'Не удалось получить награду.',
  notEnough: 'Баллов уже недостаточно.',
  yourCode: 'Ваш код скидки',
  useBy: (date) => `Введите его при оформлении заказа до ${date}.`,
  copy: 'Копировать код',
  copied: 'Скопировано',
  redeemed: (code, balance) => `Награда получена. Ваш код: ${code}. Новый баланс: ${balance}.`,
  creditAdded: (amount) => `Начислено ${amount} на баланс магазина`,
  creditPending: (amount) => `${amount} скоро поступят на баланс магазина и будут доступны при оформлении заказа.`,
  creditRedeemed: (amount, balance) => `Награда получена: ${amount} на баланс магазина. Новый баланс: ${balance}.`,
  expiring: 'Скоро сгорят',
  activity: 'Последние операции',
  noActivity: 'Операций пока нет.',
  activityFailed: 'История операций сейчас недоступна.',
  types: { earn: 'Заказ', reverse: 'Возврат', bonus: 'Бонус', adjust: 'Корректировка', redeem: 'Награда', expire: 'Сгорание', rerate: 'Пересчёт уровня' },
  survey: 'Насколько вероятно, что вы порекомендуете нас друзьям?',
  surveyLow: '0: маловероятно',
  surveyHigh: '10: очень вероятно',
  comment: 'Хотите что-то добавить? (необязательно)',
  send: 'Отправить',
  thanks: 'Спасибо за ответ!',
  surveyFailed: 'Не удалось отправить ответ.',
  join: 'Присоединяйтесь к бонусной программе',
  howEarn: (points, amount) => `${points} за каждые ${amount} покупок.`,
  howBonus: (points) => `${points} в подарок при регистрации.`,
  howTiers: 'Чем больше покупок за год, тем больше баллов:',
  tierRow: (name, amount, times) => `${name}: от ${amount}, баллы ×${times}`,
  howRewards: 'Обменивайте баллы на награды:',
  howExpiry: (days) => `Баллы сгорают через ${days} после начисления.`,
  signIn: 'Войдите или зарегистрируйтесь',
};

const ro: Messages = {
  region: 'Program de fidelitate',
  title: 'Program de fidelitate',
  loading: 'Se încarcă recompensele…',
  error: 'Recompensele nu au putut fi încărcate acum.',
  retry: 'Încercați din nou',
  points: { one: '# punct', few: '# puncte', other: '# de puncte' },
  days: { one: '# zi', few: '# zile', other: '# de zile' },
  balance: 'Punctele dvs.',
  pending: (points) => `${points} în așteptare`,
  tier: (name) => `Nivelul ${name}`,
  multiplier: (times) => `×${times} puncte la fiecare comandă`,
  toNext: (amount, tier) => `Mai cheltuiți ${amount} pentru nivelul ${tier}`,
  progress: (tier) => `Progres până la nivelul ${tier}`,
  topTier: 'Ați atins cel mai înalt nivel.',
  rewards: 'Folosiți punctele',
  noRewards: 'Încă nu există recompense.',
  minimumOrder: (amount) => `Pentru comenzi de la ${amount}`,
  redeem: 'Revendică',
  redeemLabel: (reward) => `Revendică: ${reward}`,
  needMore: (points) => `Vă mai trebuie ${points}`,
  confirm: (points) => `Folosiți ${points}?`,
  confirmYes: 'Da, revendică',
  cancel: 'Anulează',
  redeeming: 'Se procesează…',
  redeemFailed: 'Recompensa nu a putut fi revendicată.',
  notEnough: 'Nu mai aveți suficiente puncte.',
  yourCode: 'Codul dvs. de reducere',
  useBy: (date) => `Introduceți-l la finalizarea comenzii până la ${date}.`,
  copy: 'Copiază codul',
  copied: 'Copiat',
  redeemed: (code, balance) => `Recompensă revendicată. Codul dvs.: ${code}. Sold nou: ${balance}.`,
  creditAdded: (amount) => `${amount} credit în magazin adăugat`,
  creditPending: (amount) => `${amount} credit în magazin sosește în curând și va apărea la finalizarea comenzii.`,
  creditRedeemed: (amount, balance) => `Recompensă revendicată: ${amount} credit în magazin. Sold nou: ${balance}.`,
  expiring: 'Puncte care expiră',
  activity: 'Activitate recentă',
  noActivity: 'Nicio activitate încă.',
  activityFailed: 'Activitatea nu este disponibilă acum.',
  types: { earn: 'Comandă', reverse: 'Rambursare', bonus: 'Bonus', adjust: 'Ajustare', redeem: 'Recompensă', expire: 'Expirare', rerate: 'Recalculare nivel' },
  survey: 'Cât de probabil este să ne recomandați unui prieten?',
  surveyLow: '0: puțin probabil',
  surveyHigh: '10: foarte probabil',
  comment: 'Doriți să adăugați ceva? (opțional)',
  send: 'Trimite',
  thanks: 'Vă mulțumim pentru răspuns!',
  surveyFailed: 'Răspunsul nu a putut fi trimis.',
  join: 'Alăturați-vă programului de fidelitate',
  howEarn: (points, amount) => `Primiți ${points} pentru fiecare ${amount} cheltuit.`,
  howBonus: (points) => `Primiți ${points} la crearea contului.`,
  howTiers: 'Cu cât cumpărați mai mult într-un an, cu atât câștigați mai repede:',
  tierRow: (name, amount, times) => `${name}: de la ${amount}, puncte ×${times}`,
  howRewards: 'Folosiți punctele pentru recompense:',
  howExpiry: (days) => `Punctele expiră la ${days} după ce le câștigați.`,
  signIn: 'Autentificați-vă sau creați un cont',
};

const dictionaries: Record<string, Messages> = { en, ru, ro };

/** Where a storefront says its locale: the block's `data-locale`, Shopify's global, `<html lang>`. */
export function storefrontLocale(element: HTMLElement): string {
  const shopify = (window as { Shopify?: { locale?: string } }).Shopify;
  const candidates = [element.dataset.locale, shopify?.locale, document.documentElement.lang, navigator.language];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      const [canonical] = Intl.getCanonicalLocales(candidate);
      if (canonical) return canonical;
    } catch {
      // Not a BCP 47 tag: try the next source.
    }
  }
  return 'en';
}

/** The text and formatters for one locale. */
export function localeKit(locale: string) {
  const asked = locale.split('-')[0]!.toLowerCase();
  const language = asked in dictionaries ? asked : 'en';
  const t = dictionaries[language]!;
  const rules = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  const signed = new Intl.NumberFormat(locale, { signDisplay: 'exceptZero' });
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const count = (forms: Plural, n: number, formatted = numbers.format(n)) => (forms[rules.select(n)] ?? forms.other).replace('#', formatted);
  return {
    t,
    /** The language of the text, for `lang` (the formats may follow another locale). */
    language,
    number: (n: number) => numbers.format(n),
    points: (n: number) => count(t.points, n),
    signedPoints: (n: number) => count(t.points, Math.abs(n), signed.format(n)),
    days: (n: number) => count(t.days, n),
    date: (iso: string) => dates.format(new Date(iso)),
    money: (amount: string, currency: string) => {
      try {
        return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(Number(amount));
      } catch {
        return `${amount} ${currency}`;
      }
    },
  };
}

export type LocaleKit = ReturnType<typeof localeKit>;
