/**
 * Import & export: bring members and their points over from Smile.io, LoyaltyLion or another shop
 * of this app (choose the file, check it, see every row's problem, import), and download every
 * member as CSV. The file goes to `/admin/imports` as it is; a long import runs in passes, each
 * going on from the row the last one reached.
 */
import { ApiError, apiFetch, failure } from './api.ts';
import { banner, card, field, h, number, show, table } from './dom.ts';

type RowProblem = { row: number; column?: string; message: string };
type DryRun = {
  source: 'smile' | 'loyaltylion' | 'loyalty' | null;
  rows: number;
  valid: number;
  problems: RowProblem[];
  problemCount: number;
  ignoredColumns: string[];
  summary: { members: number; points: number; byEmail: number; newMembers: number; alreadyImported: number };
};
type Pass = { imported: number; points: number; alreadyImported: number; complete: boolean; nextRow: number | null };

const SOURCES: Record<NonNullable<DryRun['source']>, string> = { smile: 'a Smile.io export', loyaltylion: 'a LoyaltyLion export', loyalty: 'an export of this app' };

export async function migrationScreen(root: HTMLElement) {
  show(root, importCard(), exportCard());
}

function importCard() {
  const input = h('input', { type: 'file', id: 'import-file', accept: '.csv,text/csv' });
  const check = h('button', { type: 'submit', class: 'primary' }, 'Check file');
  const result = h('div', { 'aria-live': 'polite', id: 'import-result' });
  const form = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const file = input.files?.[0];
        if (!file) return show(result, banner('warning', 'Choose a CSV file first.'));
        check.disabled = true;
        show(result, h('p', { class: 'muted' }, 'Checking every row…'));
        try {
          const answer = (await (await apiFetch('/imports?dryRun=true', { method: 'POST', body: file, contentType: 'text/csv' })).json()) as DryRun;
          show(result, dryRunView(answer, file));
        } catch (error) {
          show(result, problemView(error));
        } finally {
          check.disabled = false;
        }
      },
    },
    h('p', {}, 'Bring members and their points balances over from Smile.io or LoyaltyLion (their customer export), or from another shop of this app (its export below). The file is checked first: nothing is imported until every row is right.'),
    field('Member file (CSV, up to 5 MB and 20,000 rows)', input, 'Each balance becomes points earned today, expiring by your program’s expiry. Uploading the same file again adds nothing.'),
    h('div', { class: 'row' }, check),
  );
  return card('Import members', form, result);
}

function dryRunView(answer: DryRun, file: File) {
  const { summary } = answer;
  const facts = h(
    'ul',
    {},
    h('li', {}, answer.source ? `${number(answer.rows)} rows read as ${SOURCES[answer.source]}; ${number(answer.valid)} ready to import.` : 'The file is not one this import knows.'),
    h('li', {}, `${number(summary.points)} points for ${number(summary.members)} members (${number(summary.newMembers)} new to the program, ${number(summary.byEmail)} found by email address).`),
    summary.alreadyImported ? h('li', {}, `${number(summary.alreadyImported)} were imported from this source before: they are left as they are.`) : null,
    answer.ignoredColumns.length ? h('li', {}, `Columns not used: ${answer.ignoredColumns.join(', ')}.`) : null,
  );
  if (answer.problemCount > 0) {
    return h(
      'div',
      {},
      banner('critical', `${number(answer.problemCount)} ${answer.problemCount === 1 ? 'row needs' : 'rows need'} correcting before anything can be imported.${answer.problemCount > answer.problems.length ? ` The first ${number(answer.problems.length)} are listed.` : ''}`),
      facts,
      problemTable(answer.problems),
    );
  }
  const start = h('button', { type: 'button', class: 'primary', id: 'import-start' }, `Import ${number(summary.members)} members`);
  const progress = h('div', { 'aria-live': 'polite', id: 'import-progress' });
  start.addEventListener('click', async () => {
    start.disabled = true;
    await runImport(file, progress);
  });
  return h('div', {}, banner('success', 'Every row is ready to import.'), facts, h('div', { class: 'row' }, start), progress);
}

/** The passes of one import, each going on from the row the last reached, until complete. */
async function runImport(file: File, progress: HTMLElement) {
  const total = { imported: 0, points: 0, alreadyImported: 0 };
  let from: number | null = null;
  try {
    for (;;) {
      const pass = (await (await apiFetch(`/imports${from ? `?from=${from}` : ''}`, { method: 'POST', body: file, contentType: 'text/csv' })).json()) as Pass;
      total.imported += pass.imported;
      total.points += pass.points;
      total.alreadyImported += pass.alreadyImported;
      if (pass.complete || pass.nextRow === null) break;
      from = pass.nextRow;
      show(progress, h('p', { class: 'muted' }, `Imported ${number(total.imported)} members so far; going on from row ${number(from)}…`));
    }
    show(
      progress,
      banner('success', `Imported ${number(total.imported)} members with ${number(total.points)} points.${total.alreadyImported ? ` ${number(total.alreadyImported)} had been imported before and were left as they were.` : ''}`),
    );
  } catch (error) {
    show(progress, problemView(error), from ? h('p', {}, `Members up to row ${number(from - 1)} are imported. Check the file again and import: those rows are not imported twice.`) : null);
  }
}

function problemTable(problems: RowProblem[]) {
  return table(['Row', 'Column', 'Problem'], problems.map((p) => [String(p.row), p.column ?? '—', p.message]), 'Rows to correct');
}

function problemView(error: unknown) {
  const listed = error instanceof ApiError ? ((error.problem.problems as unknown as RowProblem[] | undefined) ?? []) : [];
  return h('div', {}, banner('critical', failure(error)), listed.length ? problemTable(listed) : null);
}

function exportCard() {
  const download = h('button', { type: 'button', id: 'export-members' }, 'Download members (CSV)');
  const status = h('div', { 'aria-live': 'polite' });
  download.addEventListener('click', async () => {
    download.disabled = true;
    show(status, h('p', { class: 'muted' }, 'Preparing the file…'));
    try {
      const parts: string[] = [];
      let cursor: string | null = null;
      let name = 'members.csv';
      do {
        const response = await apiFetch(`/members.csv${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
        name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? name;
        parts.push(await response.text());
        cursor = response.headers.get('loyalty-next-cursor');
      } while (cursor);
      const link = h('a', { href: URL.createObjectURL(new Blob(parts, { type: 'text/csv' })), download: name }, name);
      link.click();
      show(status, banner('success', 'Downloaded ', link, '.'));
    } catch (error) {
      show(status, banner('critical', failure(error)));
    } finally {
      download.disabled = false;
    }
  });
  return card(
    'Export members',
    h('p', {}, 'Every member with their customer id, email, name, points balance and pending points, tier, lifetime points, orders and stage: for your records, a spreadsheet, or another shop of this app (import it there).'),
    h('div', { class: 'row' }, download),
    status,
  );
}
