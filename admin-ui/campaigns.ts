/**
 * Bonus campaigns: the running and scheduled ones first, then the ended ones, each with what it
 * gives and to which orders; a running one can be ended, a scheduled one deleted. Below, a form to
 * schedule a new one: problems show beside their fields (422), and a campaign that would overlap
 * another names it (409). From `/admin/campaigns`.
 */
import { ApiError, api, apiFetch, failure } from './api.ts';
import { banner, card, dateTime, field, h, show, table } from './dom.ts';

type Target = { type: 'all' } | { type: 'collection'; collectionId: string } | { type: 'tag'; tag: string } | { type: 'tier'; tier: string };

type Campaign = {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
  kind: 'multiplier' | 'fixed';
  multiplier?: number;
  points?: number;
  minimumSpend?: number;
  target: Target;
  status: 'scheduled' | 'running' | 'ended';
  products?: { count: number; resolvedAt: string };
};

const STATUS = { running: 'Running', scheduled: 'Scheduled', ended: 'Ended' } as const;

export async function campaignsScreen(root: HTMLElement) {
  const list = h('div', { role: 'region', 'aria-live': 'polite', 'aria-label': 'Campaigns' }, h('p', { class: 'muted', role: 'status' }, 'Loading campaigns…'));
  const form = h('div', {});
  show(
    root,
    card('Bonus campaigns', h('p', {}, 'For a while, orders earn more: a multiplier on their points, or a fixed bonus. Orders count by the time they were placed, so one placed during a campaign gets it even if Shopify tells us later. Only one campaign applies to an order, so campaigns that could reach the same orders cannot run at the same time (tier campaigns for different tiers can).'), list),
    card('Schedule a campaign', form),
  );
  const tiers = await tierNames();
  const reload = () => load(list);
  show(form, campaignForm(tiers, reload));
  await reload();
}

async function tierNames(): Promise<string[]> {
  try {
    const settings = await api<{ program: { tiers: { name: string }[] } }>('/program');
    return settings.program.tiers.map((tier) => tier.name);
  } catch {
    return [];
  }
}

async function load(root: HTMLElement) {
  let campaigns: Campaign[];
  try {
    campaigns = (await api<{ campaigns: Campaign[] }>('/campaigns')).campaigns;
  } catch (error) {
    show(root, banner('critical', failure(error)));
    return;
  }
  if (campaigns.length === 0) {
    show(root, h('p', { class: 'muted' }, 'No campaigns yet. Schedule one below.'));
    return;
  }
  const message = h('div', {});
  const act = async (button: HTMLButtonElement, run: () => Promise<unknown>, done: string) => {
    button.disabled = true;
    try {
      await run();
      await load(root);
      root.prepend(banner('success', done));
    } catch (error) {
      button.disabled = false;
      show(message, banner('critical', failure(error)));
    }
  };
  const rows = campaigns.map((campaign) => {
    const actions: HTMLElement[] = [];
    if (campaign.status === 'running') {
      const end = h('button', { type: 'button', class: 'secondary', 'aria-label': `End ${campaign.name} now` }, 'End now') as HTMLButtonElement;
      end.addEventListener('click', () => void act(end, () => api(`/campaigns/${campaign.id}/end`, { method: 'POST' }), `${campaign.name} has ended.`));
      actions.push(end);
    }
    if (campaign.status !== 'ended' && campaign.products) {
      const refresh = h('button', { type: 'button', class: 'secondary', 'aria-label': `Read the products of ${campaign.name} again` }, 'Refresh products') as HTMLButtonElement;
      const { id, status: _status, products: _products, createdAt: _created, updatedAt: _updated, ...fields } = campaign as Campaign & { createdAt?: string; updatedAt?: string };
      refresh.addEventListener('click', () => void act(refresh, () => api(`/campaigns/${id}`, { method: 'PUT', body: fields }), `The products of ${campaign.name} were read again.`));
      actions.push(refresh);
    }
    if (campaign.status === 'scheduled') {
      const remove = h('button', { type: 'button', class: 'secondary', 'aria-label': `Delete ${campaign.name}` }, 'Delete') as HTMLButtonElement;
      remove.addEventListener('click', () => void act(remove, () => apiFetch(`/campaigns/${campaign.id}`, { method: 'DELETE' }), `${campaign.name} was deleted.`));
      actions.push(remove);
    }
    return [
      h('strong', {}, campaign.name),
      h('span', { class: `badge ${campaign.status}` }, STATUS[campaign.status]),
      `${dateTime(campaign.startsAt)} – ${dateTime(campaign.endsAt)}`,
      reward(campaign),
      targetText(campaign),
      h('span', {}, actions),
    ];
  });
  show(root, message, table(['Campaign', 'Status', 'When', 'Gives', 'On', ''], rows, 'Bonus campaigns'));
}

function reward(campaign: Campaign): string {
  if (campaign.kind === 'multiplier') return `×${campaign.multiplier} points`;
  return `+${campaign.points} points${campaign.minimumSpend ? ` from ${campaign.minimumSpend} spent` : ''}`;
}

function targetText(campaign: Campaign): string {
  const t = campaign.target;
  const count = campaign.products ? ` (${campaign.products.count} products)` : '';
  if (t.type === 'all') return 'Every order';
  if (t.type === 'tier') return `${t.tier} members`;
  if (t.type === 'tag') return `Products tagged “${t.tag}”${count}`;
  return `Collection ${t.collectionId.replace('gid://shopify/Collection/', '')}${count}`;
}

/** A `datetime-local` value an hour or a day from now, rounded to the hour, in the browser's time. */
function localInput(hoursAhead: number): string {
  const at = new Date(Date.now() + hoursAhead * 3_600_000);
  at.setMinutes(0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:00`;
}

function campaignForm(tiers: string[], saved: () => Promise<void>) {
  const input = (props: Record<string, unknown>) => h('input', props) as HTMLInputElement;
  const name = input({ type: 'text', name: 'name', maxlength: 80, required: true, placeholder: 'Double points weekend' });
  const startsAt = input({ type: 'datetime-local', name: 'startsAt', required: true, value: localInput(1) });
  const endsAt = input({ type: 'datetime-local', name: 'endsAt', required: true, value: localInput(49) });
  const kind = h('select', { name: 'kind' }, h('option', { value: 'multiplier' }, 'Multiply the points'), h('option', { value: 'fixed' }, 'A fixed bonus per order')) as HTMLSelectElement;
  const multiplier = input({ type: 'number', name: 'multiplier', min: 1.01, max: 10, step: 0.01, value: 2 });
  const points = input({ type: 'number', name: 'points', min: 1, step: 1, value: 50 });
  const minimumSpend = input({ type: 'number', name: 'minimumSpend', min: 0, step: 0.01, placeholder: 'none' });
  const targetType = h('select', { name: 'target' }, h('option', { value: 'all' }, 'Every order'), h('option', { value: 'collection' }, 'Products of a collection'), h('option', { value: 'tag' }, 'Products with a tag'), h('option', { value: 'tier' }, 'Members of a tier')) as HTMLSelectElement;
  const collectionId = input({ type: 'text', name: 'collectionId', placeholder: 'gid://shopify/Collection/123 or 123' });
  const tag = input({ type: 'text', name: 'tag', maxlength: 255 });
  const tier = h('select', { name: 'tier' }, tiers.map((t) => h('option', { value: t }, t))) as HTMLSelectElement;

  const fields: Record<string, HTMLElement> = {
    name: field('Name customers see', name),
    startsAt: field('Starts', startsAt, 'In your browser’s time zone.'),
    endsAt: field('Ends', endsAt, 'Orders placed up to this moment count; at most 90 days after the start.'),
    kind: field('Gives', kind),
    multiplier: field('Multiplier', multiplier, '2 doubles the points of the orders it reaches.'),
    points: field('Bonus points per order', points),
    minimumSpend: field('Minimum spend on the products it reaches (optional)', minimumSpend),
    target: field('Orders it reaches', targetType),
    'target.collectionId': field('Collection id', collectionId, 'From the collection’s page in your Shopify admin (the number at the end of its address).'),
    'target.tag': field('Product tag', tag),
    'target.tier': field('Tier', tier),
  };
  const controls: Record<string, HTMLInputElement | HTMLSelectElement> = { name, startsAt, endsAt, kind, multiplier, points, minimumSpend, target: targetType, 'target.collectionId': collectionId, 'target.tag': tag, 'target.tier': tier };
  // The fields of the other kind and target are out of sight (a .field's display would override `hidden`).
  const showIf = (element: HTMLElement, shown: boolean) => (element.style.display = shown ? '' : 'none');
  const visible = () => {
    showIf(fields.multiplier!, kind.value === 'multiplier');
    showIf(fields.points!, kind.value === 'fixed');
    showIf(fields.minimumSpend!, kind.value === 'fixed');
    showIf(fields['target.collectionId']!, targetType.value === 'collection');
    showIf(fields['target.tag']!, targetType.value === 'tag');
    showIf(fields['target.tier']!, targetType.value === 'tier');
  };
  kind.addEventListener('change', visible);
  targetType.addEventListener('change', visible);
  visible();

  const message = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Schedule campaign') as HTMLButtonElement;
  const form = h('form', { novalidate: true, 'aria-label': 'Schedule a campaign' }, Object.values(fields), message, submit) as HTMLFormElement;

  const clearProblems = () => {
    for (const control of Object.values(controls)) {
      control.removeAttribute('aria-invalid');
      const error = document.getElementById(`${control.id}-error`);
      if (error) {
        error.hidden = true;
        error.textContent = '';
      }
    }
  };
  const showProblem = (path: string, text: string) => {
    const control = controls[path] ?? (path.startsWith('target') ? targetType : undefined);
    const error = control && document.getElementById(`${control.id}-error`);
    if (!control || !error) return false;
    control.setAttribute('aria-invalid', 'true');
    error.textContent = text;
    error.hidden = false;
    return true;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems();
    show(message);
    const when = (value: string) => (value ? new Date(value).toISOString() : value);
    const target: Target =
      targetType.value === 'collection' ? { type: 'collection', collectionId: collectionId.value.trim() } : targetType.value === 'tag' ? { type: 'tag', tag: tag.value } : targetType.value === 'tier' ? { type: 'tier', tier: tier.value } : { type: 'all' };
    const body = {
      name: name.value,
      startsAt: when(startsAt.value),
      endsAt: when(endsAt.value),
      kind: kind.value,
      ...(kind.value === 'multiplier' ? { multiplier: Number(multiplier.value) } : { points: Number(points.value), ...(minimumSpend.value ? { minimumSpend: Number(minimumSpend.value) } : {}) }),
      target,
    };
    submit.disabled = true;
    try {
      const created = await api<Campaign>('/campaigns', { method: 'POST', body });
      name.value = '';
      await saved();
      show(message, banner('success', `${created.name} is scheduled.`));
    } catch (error) {
      if (error instanceof ApiError && error.problem.problems?.length) {
        const unplaced = error.problem.problems.filter((problem) => !showProblem(problem.path, problem.message));
        show(message, banner('critical', 'The campaign was not saved: see the fields marked.', ...unplaced.map((p) => h('p', {}, `${p.path}: ${p.message}`))));
        form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      } else {
        show(message, banner('critical', failure(error)));
      }
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
