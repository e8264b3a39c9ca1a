import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { AdjustmentBelowZeroError } from '../../shared/admin/errors.ts';
import { BusyError } from '../../shared/earning/errors.ts';
import { withProblemAnswers } from '../../shared/http/app.ts';
import { problemTitles } from '../../shared/http/problems.ts';
import { InvalidProgramError } from '../../shared/program/program.ts';
import { InsufficientPointsError, ProgramInactiveError, UnknownRewardError } from '../../shared/rewards/errors.ts';
import { InvalidPayloadError } from '../../shared/shopify/errors.ts';
import { InvalidSessionTokenError } from '../../shared/shopify/session-token.ts';
import { InvalidCursorError } from '../../shared/store/ports.ts';
import { silentLogger } from '../support/http.ts';

/** Every kind of problem the HTTP edge names where it answers (`new HttpProblem(401, 'invalid-signature', …)`). */
function typesNamedByTheEdge(): string[] {
  const folder = join(import.meta.dirname, '../../shared/http');
  const types = new Set<string>();
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts') && !name.includes('generated'))) {
    for (const match of readFileSync(join(folder, file), 'utf8').matchAll(/(?:new HttpProblem|problem)\(\s*(?:c,\s*)?\d{3},\s*'([a-z-]+)'/g)) types.add(match[1]!);
  }
  return [...types];
}

describe('problem answers', () => {
  it('have a human sentence for a title, for every kind of problem', () => {
    const errors = [
      new AdjustmentBelowZeroError(40, 100),
      new BusyError(3),
      new InvalidProgramError([]),
      new InsufficientPointsError(40, 500),
      new ProgramInactiveError(),
      new UnknownRewardError('x'),
      new InvalidPayloadError('x'),
      new InvalidSessionTokenError('x'),
      new InvalidCursorError(),
    ];
    const types = [...typesNamedByTheEdge(), ...errors.map((error) => error.type), 'internal'];
    expect(types).toEqual(expect.arrayContaining(['invalid-signature', 'payload-too-large', 'not-a-member', 'rate-limited']));
    for (const type of types) expect([type, problemTitles[type]]).toEqual([type, expect.stringMatching(/^[A-Z][^]*[a-z][^]*\.$/)]);
  });

  it('keep the type stable and say what happened in the title and detail', async () => {
    const app = withProblemAnswers(
      new Hono()
        .get('/adjust', () => {
          throw new AdjustmentBelowZeroError(40, 100);
        })
        .get('/redeem', () => {
          throw new InsufficientPointsError(40, 500);
        }),
      silentLogger(),
    );
    const adjust = await app.request('/adjust');
    expect(adjust.status).toBe(409);
    expect(adjust.headers.get('content-type')).toBe('application/problem+json');
    const adjustBody = await adjust.json();
    expect(adjustBody).toEqual({
      type: 'https://loyalty.dev/problems/balance-below-zero',
      title: 'This adjustment would take the balance below zero.',
      status: 409,
      detail: 'This adjustment would take the balance below zero: the member has 40 points, and it would take 100.',
      balance: 40,
      points: 100,
    });
    expect(JSON.stringify(adjustBody)).not.toMatch(/reward|costs/);
    expect(await (await app.request('/redeem')).json()).toMatchObject({ type: 'https://loyalty.dev/problems/insufficient-points', title: 'This reward costs more points than the member has.' });
  });
});
