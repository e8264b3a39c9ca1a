/**
 * The figures each benchmark measured beside their goals, gathered for the one table `npm run
 * bench` ends with (`bench/run.ts`). A benchmark run on its own prints its figures and writes
 * nothing here.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export interface GoalRow {
  figure: string;
  value: string;
  goal: string;
  /** `undefined`: a figure printed for reference, with no goal of its own. */
  met?: boolean;
}

/** Where `bench/run.ts` collects the rows (one JSON object a line). */
export const SUMMARY_FILE_ENV = 'BENCH_SUMMARY_FILE';

export function recordGoal(row: GoalRow): void {
  const file = process.env[SUMMARY_FILE_ENV];
  if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
}

export function readGoals(file: string): GoalRow[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as GoalRow);
}

export function printGoals(rows: GoalRow[]): void {
  const width = Math.max(30, ...rows.map((row) => row.figure.length)) + 2;
  const valueWidth = Math.max(10, ...rows.map((row) => row.value.length)) + 2;
  const goalWidth = Math.max(8, ...rows.map((row) => row.goal.length)) + 2;
  console.log(`${'figure'.padEnd(width)}${'measured'.padEnd(valueWidth)}${'goal'.padEnd(goalWidth)}`);
  for (const row of rows) {
    const verdict = row.met === undefined ? '' : row.met ? 'met' : 'NOT met';
    console.log(`${row.figure.padEnd(width)}${row.value.padEnd(valueWidth)}${row.goal.padEnd(goalWidth)}${verdict}`);
  }
}
