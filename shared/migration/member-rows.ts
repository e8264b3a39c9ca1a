/**
 * A member file read and checked whole, before anything is looked up or written: every row's
 * problems listed (row numbers as a spreadsheet shows them: the header is row 1), the rows that
 * pass ready to import. Pure: the same file gives the same answer, in a dry run and in the import.
 */
import { parse } from 'csv-parse/sync';
import { columnOf, detectShape, ignoredColumns, unsafeText, type FileShape } from './file-shapes.ts';

/** A row that passed: who (a Shopify customer id, else an email to look up) and their points. */
export interface ImportRow {
  row: number;
  customerId?: string;
  /** Lower-cased. */
  email?: string;
  points: number;
  firstName?: string;
  lastName?: string;
}

export interface RowProblem {
  row: number;
  /** The column as the file names it; none for a problem of the whole row. */
  column?: string;
  message: string;
}

export interface MemberFile {
  shape?: FileShape;
  /** Data rows (blank lines left out). */
  rowCount: number;
  /** The rows without problems. */
  rows: ImportRow[];
  problems: RowProblem[];
  /** Header names the import does not read (shown, never refused). */
  ignoredColumns: string[];
  /** The file's own names of its email and customer id columns, for problems found later (look-ups). */
  columns: { email?: string; customerId?: string };
}

/** The most points one row may bring. */
export const MAX_POINTS_PER_ROW = 10_000_000;
const CUSTOMER_ID = /^[1-9][0-9]{0,19}$/;
const EMAIL = /^[^\s@",;<>()[\]\\]+@[^\s@",;<>()[\]\\]+\.[^\s@",;<>()[\]\\]+$/;

/**
 * Reads a member file. `shop`: the shop importing it (a file this app exported from that same shop
 * is refused: its points are already there).
 */
export function readMemberFile(text: string, shop: string): MemberFile {
  let records: string[][];
  try {
    records = parse(text, { bom: true, delimiter: delimiterOf(text), record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, skip_empty_lines: false, trim: false }) as string[][];
  } catch (error) {
    const at = error as { lines?: number; message?: string; code?: string };
    return { rowCount: 0, rows: [], ignoredColumns: [], columns: {}, problems: [{ row: at.lines ?? 1, message: `The file could not be read as CSV near line ${at.lines ?? 1}: ${csvMessage(at.code, at.message)}` }] };
  }
  const [headers, ...data] = records;
  if (!headers || headers.every((header) => header.trim() === '')) return { rowCount: 0, rows: [], ignoredColumns: [], columns: {}, problems: [{ row: 1, message: 'The file is empty: it needs a header row, then one row per member.' }] };
  const shape = detectShape(headers);
  if (!shape) {
    return {
      rowCount: data.length,
      rows: [],
      ignoredColumns: [],
      columns: {},
      problems: [{ row: 1, message: 'The header row is not one this import knows: it needs an email or customer id column and a points column (points_balance or points for Smile.io, points_approved for LoyaltyLion, balance for this app’s own export).' }],
    };
  }
  const column = (names: string[]) => columnOf(headers, names);
  const at = { customerId: column(shape.customerId), email: column(shape.email), points: column(shape.points), firstName: column(shape.firstName), lastName: column(shape.lastName), shop: column(shape.shop ?? []) };
  const name = (index: number) => headers[index]!.trim();
  const rows: ImportRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  let rowCount = 0;
  data.forEach((values, i) => {
    const row = i + 2;
    if (values.every((value) => value.trim() === '')) return;
    rowCount++;
    const found: RowProblem[] = [];
    const value = (index: number) => (index >= 0 ? unsafeText((values[index] ?? '').trim()) : '');
    if (values.length > headers.length) {
      found.push({ row, message: `This row has ${values.length} values but the header has ${headers.length} columns: a value with a comma in it must be in double quotes.` });
    }
    const rawId = value(at.customerId).replace(/^gid:\/\/shopify\/Customer\//, '');
    const customerId = rawId === '' ? undefined : rawId;
    if (customerId !== undefined && !CUSTOMER_ID.test(customerId)) found.push({ row, column: name(at.customerId), message: `“${clip(rawId)}” is not a Shopify customer id (a number such as 7012345678901).` });
    const rawEmail = value(at.email);
    const email = rawEmail === '' ? undefined : rawEmail.toLowerCase();
    if (email !== undefined && (email.length > 254 || !EMAIL.test(email))) found.push({ row, column: name(at.email >= 0 ? at.email : at.customerId), message: `“${clip(rawEmail)}” is not an email address.` });
    if (customerId === undefined && email === undefined) {
      const where = at.email >= 0 ? at.email : at.customerId;
      found.push({ row, ...(where >= 0 ? { column: name(where) } : {}), message: 'This row names no one: it needs an email address or a Shopify customer id.' });
    }
    const points = pointsOf(value(at.points));
    if (typeof points === 'string') found.push({ row, column: name(at.points), message: points });
    if (at.shop >= 0 && value(at.shop).toLowerCase() === shop.toLowerCase()) {
      found.push({ row, column: name(at.shop), message: 'This row was exported from this same shop: its points are already here, and importing them would count them twice.' });
    }
    // A customer id is who the row is (its email is contact data only); a row without one is its email.
    const key = customerId !== undefined ? (CUSTOMER_ID.test(customerId) ? `id:${customerId}` : undefined) : email && `email:${email}`;
    const first = key ? seen.get(key) : undefined;
    if (first !== undefined) found.push({ row, column: name(key!.startsWith('id:') ? at.customerId : at.email), message: `The same customer as row ${first}: each member may appear once in a file.` });
    else if (key) seen.set(key, row);
    if (email && customerId !== undefined && !seen.has(`email:${email}`)) seen.set(`email:${email}`, row);
    if (found.length) {
      problems.push(...found);
      return;
    }
    const firstName = value(at.firstName).slice(0, 200);
    const lastName = value(at.lastName).slice(0, 200);
    rows.push({ row, ...(customerId ? { customerId } : {}), ...(email ? { email } : {}), points: points as number, ...(firstName ? { firstName } : {}), ...(lastName ? { lastName } : {}) });
  });
  const columns = { ...(at.email >= 0 ? { email: name(at.email) } : {}), ...(at.customerId >= 0 ? { customerId: name(at.customerId) } : {}) };
  return { shape, rowCount, rows, problems, ignoredColumns: ignoredColumns(headers, shape), columns };
}

/** Whole points, or what is wrong with them. */
function pointsOf(text: string): number | string {
  if (text === '') return 'No points given: write 0 for a member with none.';
  const whole = /^[+-]?\d+(?:\.0+)?$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(whole)) {
    if (/^[+-]?\d{1,3}([,.\s']\d{3})+$/.test(text)) return `Write points without separators (“${clip(text)}” as ${text.replace(/[,.\s'+]/g, '')}).`;
    if (/^[+-]?\d*[.,]\d+$/.test(text)) return `Points are whole numbers; “${clip(text)}” is not.`;
    return `“${clip(text)}” is not a number of points.`;
  }
  if (whole < 0) return 'Points cannot be negative: take points away with an adjustment on the member’s page after the import.';
  if (whole > MAX_POINTS_PER_ROW) return `At most ${MAX_POINTS_PER_ROW.toLocaleString('en-US')} points per member.`;
  return whole;
}

/** Commas, or semicolons (spreadsheets in many European locales), or tabs: whichever the header row uses most. */
function delimiterOf(text: string): string {
  const header = (text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '').replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((delimiter) => ({ delimiter, count: header.split(delimiter).length - 1 }));
  return counts.reduce((best, next) => (next.count > best.count ? next : best)).delimiter;
}

function csvMessage(code: string | undefined, message: string | undefined): string {
  if (code === 'CSV_QUOTE_NOT_CLOSED') return 'a double quote opens a value that never closes.';
  if (code === 'CSV_INVALID_CLOSING_QUOTE' || code === 'INVALID_OPENING_QUOTE') return 'a double quote stands in the middle of a value (write it twice inside a quoted value).';
  return message ?? 'it is not valid CSV.';
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
