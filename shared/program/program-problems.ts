/**
 * What is wrong with a program, in the store owner's words: each problem names its field (a path
 * such as `tiers.1.minSpend`) and says what to change ("Silver's minimum spend must be higher than
 * Bronze's (500)."). Three sources, listed together so one answer shows every problem: the
 * program's shape (a section missing, a setting that does not exist), each field on its own
 * (zod's checks, reworded here), and the rules between fields (tiers rising from 0, rewards that
 * exist, reminders before expiry).
 */
import { contentFieldLabel } from './content.ts';

export interface ProgramProblem {
  /** Where, as the body's keys and list positions joined with dots: `tiers.1.minSpend`. */
  path: string;
  message: string;
}

type Path = readonly (string | number)[];

/**
 * The parts of a program the rules between fields read. A part that failed its own checks is
 * left out (`undefined`), so the rules still run on the rest and list every problem at once.
 */
export interface RuleParts {
  tiers?: readonly { name?: string | undefined; minSpend?: number | undefined; rewardId?: string | undefined }[];
  rewards?: readonly { id?: string | undefined; name?: string | undefined; kind?: string | undefined; value?: number | undefined; minimumOrder?: number | undefined; combinesWith?: object | undefined }[];
  expiryDays?: number | undefined;
  reminderDays?: readonly (number | undefined)[];
  pendingDays?: number | undefined;
}

/** The rules between fields: what each field's own checks cannot see. */
export function programRuleProblems(parts: RuleParts): ProgramProblem[] {
  const problems: ProgramProblem[] = [];
  const add = (path: Path, message: string) => problems.push({ path: path.join('.'), message });
  const tiers = parts.tiers ?? [];
  const rewards = parts.rewards ?? [];
  const tierName = (i: number) => tierLabel(tiers[i]?.name, i);

  if (tiers[0]?.minSpend !== undefined && tiers[0].minSpend !== 0) {
    add(['tiers', 0, 'minSpend'], `${tierName(0)} is the first tier, so its minimum spend must be 0: every member starts there.`);
  }
  tiers.forEach((tier, i) => {
    const before = tiers[i - 1];
    if (i > 0 && tier.minSpend !== undefined && before?.minSpend !== undefined && tier.minSpend <= before.minSpend) {
      add(['tiers', i, 'minSpend'], `${possessive(tierName(i))} minimum spend must be higher than ${possessive(tierName(i - 1))} (${before.minSpend}): tiers go up in order.`);
    }
    if (tier.name !== undefined && tiers.findIndex((t) => t.name === tier.name) !== i) {
      add(['tiers', i, 'name'], `Two tiers are called ${quoted(tier.name)}: each tier needs a name of its own.`);
    }
    if (tier.rewardId !== undefined && parts.rewards !== undefined && !rewards.some((reward) => reward.id === tier.rewardId)) {
      add(['tiers', i, 'rewardId'], `${possessive(tierName(i))} reward ${quoted(tier.rewardId)} is not in the rewards list.`);
    }
  });

  rewards.forEach((reward, i) => {
    const label = rewardLabel(reward.name, i);
    if (reward.id !== undefined && rewards.findIndex((r) => r.id === reward.id) !== i) {
      add(['rewards', i, 'id'], `Two rewards have the id ${quoted(reward.id)}: each reward needs an id of its own.`);
    }
    if (reward.kind === 'fixed_amount' && reward.value === undefined) {
      add(['rewards', i, 'value'], `${label} takes an amount off, so it needs a value: the amount, in the shop's currency.`);
    }
    if (reward.kind === 'percentage' && reward.value === undefined) {
      add(['rewards', i, 'value'], `${label} takes a percentage off, so it needs a value: the percentage.`);
    }
    if (reward.kind === 'percentage' && (reward.value ?? 0) > 100) {
      add(['rewards', i, 'value'], `${label} cannot take more than 100% off.`);
    }
    if (reward.kind === 'store_credit' && reward.value === undefined) {
      add(['rewards', i, 'value'], `${label} adds store credit, so it needs a value: the amount, in the shop's currency.`);
    }
    if (reward.kind === 'store_credit' && reward.minimumOrder !== undefined) {
      add(['rewards', i, 'minimumOrder'], `${label} adds store credit, which has no minimum order: leave the minimum order out.`);
    }
    if (reward.kind === 'store_credit' && reward.combinesWith !== undefined) {
      add(['rewards', i, 'combinesWith'], `${label} adds store credit, which is not a discount code and combines with everything: leave the combinations out.`);
    }
  });

  const expiry = parts.expiryDays;
  const reminders = parts.reminderDays ?? [];
  reminders.forEach((days, i) => {
    if (days === undefined) return;
    if (expiry !== undefined && days >= expiry) {
      add(['reminders', 'daysBefore', i], `Reminder ${i + 1} (${days} days before points expire) could never be sent: points expire ${expiry} days after they are earned. Choose fewer days than ${expiry}.`);
    }
    if (reminders.indexOf(days) !== i) {
      add(['reminders', 'daysBefore', i], `Reminder ${i + 1} repeats ${days} days: each reminder needs a different day.`);
    }
  });
  if (expiry !== undefined && parts.pendingDays !== undefined && parts.pendingDays >= expiry) {
    add(['pendingDays'], `Points would expire before they could be spent: the days points stay pending (${parts.pendingDays}) must be fewer than the days before they expire (${expiry}).`);
  }
  return problems;
}

/** The fields of a schema, as far as the shape check needs them (zod's definitions, read only). */
interface SchemaDef {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  innerType?: { _zod: { def: SchemaDef } };
  element?: { _zod: { def: SchemaDef } };
}

/**
 * The shape of a whole program: every section and setting present (defaults are not filled in
 * for a program sent whole), and none the program does not have (a typo is never ignored).
 * Values are left to the fields' own checks.
 */
export function shapeProblems(schema: { _zod: { def: unknown } }, input: unknown, program: unknown = input): ProgramProblem[] {
  const problems: ProgramProblem[] = [];
  const walk = (def: SchemaDef, value: unknown, path: Path) => {
    while ((def.type === 'default' || def.type === 'optional' || def.type === 'nullable') && def.innerType) def = def.innerType._zod.def;
    if (def.type === 'object' && def.shape && isPlainObject(value)) {
      const known = Object.keys(def.shape);
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(def.shape, key)) {
          const guess = closest(key, known);
          problems.push({
            path: [...path, key].join('.'),
            message: `${fieldLabel(path, program)} has no setting ${quoted(key)}.${guess ? ` Did you mean ${quoted(guess)}?` : ` Its settings are ${known.map(quoted).join(', ')}.`}`,
          });
        }
      }
      for (const key of known) {
        const field = def.shape[key]!._zod.def;
        if (value[key] === undefined && field.type !== 'optional') problems.push({ path: [...path, key].join('.'), message: `${fieldLabel([...path, key], program)} is missing.` });
        else if (value[key] !== undefined) walk(field, value[key], [...path, key]);
      }
    }
    if (def.type === 'array' && def.element && Array.isArray(value)) {
      value.forEach((item, i) => walk(def.element!._zod.def, item, [...path, i]));
    }
  };
  walk(schema._zod.def as SchemaDef, input, []);
  return problems;
}

/** One of zod's issues, as a store owner reads it. */
export interface FieldIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  values?: unknown[];
}

export function fieldProblem(issue: FieldIssue, program: unknown): ProgramProblem {
  const path = issue.path.map((key) => (typeof key === 'number' ? key : String(key)));
  const label = fieldLabel(path, program);
  const given = valueAt(program, path);
  return { path: path.join('.'), message: fieldMessage(issue, label, given, path) };
}

function fieldMessage(issue: FieldIssue, label: string, given: unknown, path: Path): string {
  const last = path[path.length - 1];
  switch (issue.code) {
    case 'invalid_type':
      if (given === undefined) return `${label} is missing.`;
      return `${label} must be ${expectedText(issue.expected)}.`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? `${label} cannot be empty.` : `${label} must be at least ${min} characters long.`;
      if (issue.origin === 'array') return min <= 1 ? `${label} needs at least one entry.` : `${label} needs at least ${min} entries.`;
      if (min === 0) return issue.inclusive ? `${label} cannot be negative.` : `${label} must be more than 0.`;
      return issue.inclusive ? `${label} must be at least ${min}.` : `${label} must be more than ${min}.`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `${label} can be at most ${max} characters long.`;
      if (issue.origin === 'array') return `${label} can have at most ${max} entries.`;
      return issue.inclusive === false ? `${label} must be less than ${max}.` : `${label} can be at most ${max}.`;
    }
    case 'invalid_format':
      if (last === 'id') return `${label} may use only lower-case letters, digits and dashes, at most 40 (like "five-off").`;
      if (last === 'prefix') return `${label} may be up to 8 capital letters and digits, without I, L, O, 0 or 1 (like "VIP").`;
      return `${label} is not in the expected format.`;
    case 'invalid_value':
      return `${label} must be one of ${(issue.values ?? []).map((v) => quoted(String(v))).join(', ')}.`;
    case 'custom':
      return issue.message;
    default:
      return `${label} is not valid.`;
  }
}

function expectedText(expected: string | undefined): string {
  switch (expected) {
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'string':
      return 'text';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a group of settings (a JSON object)';
    case 'boolean':
      return 'true or false';
    default:
      return `of the type ${expected ?? 'expected'}`;
  }
}

const sectionLabels: Record<string, string> = {
  '': 'The program',
  earning: 'The earning section',
  'earning.pointsPerUnit': 'Points per unit of currency',
  signupBonus: 'The signup bonus',
  tiers: 'The tiers list',
  expiry: 'The expiry section',
  'expiry.days': 'The number of days before earned points expire',
  reminders: 'The reminders section',
  'reminders.daysBefore': 'The reminder days',
  rewards: 'The rewards list',
  coupons: 'The coupons section',
  'coupons.validityDays': 'The number of days a coupon stays valid',
  'coupons.prefix': 'The coupon code prefix',
  pendingDays: 'The number of days points stay pending',
  winback: 'The win-back section',
  'winback.factor': 'The win-back factor',
  'winback.minOrders': 'The win-back minimum number of orders',
};

const tierFieldLabels: Record<string, string> = { name: 'name', minSpend: 'minimum spend', multiplier: 'points multiplier', rewardId: 'reward' };
const rewardFieldLabels: Record<string, string> = {
  id: 'id',
  name: 'name',
  kind: 'kind',
  cost: 'cost in points',
  value: 'value',
  minimumOrder: 'minimum order',
  validityDays: 'days of validity',
  combinesWith: 'combinations',
};

/** The classes of discounts a code may combine with, in words. */
const combinationLabels: Record<string, string> = {
  orderDiscounts: 'combination with order discounts',
  productDiscounts: 'combination with product discounts',
  shippingDiscounts: 'combination with shipping discounts',
};

/** A field's name in words: `tiers.1.minSpend` is "Silver's minimum spend" when tier 2 is called Silver. */
export function fieldLabel(path: Path, program: unknown): string {
  const [section, index, field, detail] = path;
  if (section === 'content') return contentFieldLabel(path) ?? 'The languages section';
  if ((section === 'tiers' || section === 'rewards') && typeof index === 'number') {
    const name = valueAt(program, [section, index, 'name']);
    const who = section === 'tiers' ? tierLabel(name, index) : rewardLabel(name, index);
    if (field === undefined) return who;
    if (field === 'combinesWith' && detail !== undefined) return `${possessive(who)} ${combinationLabels[String(detail)] ?? `combination ${quoted(String(detail))}`}`;
    const words = (section === 'tiers' ? tierFieldLabels : rewardFieldLabels)[String(field)];
    return words ? `${possessive(who)} ${words}` : `${possessive(who)} ${String(field)}`;
  }
  if (section === 'reminders' && index === 'daysBefore' && typeof field === 'number') return `Reminder ${field + 1}'s days before expiry`;
  return sectionLabels[path.join('.')] ?? `The setting ${quoted(path.join('.'))}`;
}

function tierLabel(name: unknown, index: number): string {
  return typeof name === 'string' && name.trim() ? name.trim().slice(0, 60) : `Tier ${index + 1}`;
}

function rewardLabel(name: unknown, index: number): string {
  return typeof name === 'string' && name.trim() ? `The reward ${quoted(name.trim().slice(0, 60))}` : `Reward ${index + 1}`;
}

function possessive(label: string): string {
  return label.endsWith('"') ? `${label}’s` : `${label}'s`;
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function valueAt(value: unknown, path: Path): unknown {
  let at = value;
  for (const key of path) {
    if (Array.isArray(at) && typeof key === 'number') at = at[key];
    else if (isPlainObject(at) && Object.hasOwn(at, String(key))) at = at[String(key)];
    else return undefined;
  }
  return at;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The known key a typo most likely meant: within two edits, or one for short keys. */
function closest(typed: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(typed.toLowerCase(), key.toLowerCase());
    if (distance <= (key.length <= 4 ? 1 : 2) && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 100) return Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
