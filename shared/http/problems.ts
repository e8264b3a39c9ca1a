/**
 * Errors as RFC 9457 problem details. Every non-2xx answer of the service goes through here, so
 * the answer, the logs and the tests agree on one stable `type` per kind of problem.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

/**
 * One human sentence per kind of problem, the same for every occurrence (RFC 9457's `title`); what
 * differs from one occurrence to the next goes in `detail`. The `type` is the stable kind that
 * clients and tests match on.
 */
export const problemTitles: Readonly<Record<string, string>> = {
  'invalid-signature': 'The signature does not match.',
  'invalid-session-token': 'The session token is not valid for this app and shop.',
  'invalid-customer-session-token': 'The customer account session token is not valid for this app and shop.',
  'token-exchange-refused': 'Shopify refused to give this app access to the shop; open the app from the Shopify admin again.',
  'invalid-payload': 'The body does not have the shape this webhook topic needs.',
  'invalid-request': 'The request is not valid.',
  'invalid-cursor': 'The page cursor is not valid.',
  'invalid-program': 'The program has problems, so it was not saved.',
  'invalid-adjustment': 'The adjustment is not valid.',
  'balance-below-zero': 'This adjustment would take the balance below zero.',
  'payload-too-large': 'The body is too large.',
  'not-awaiting-settlement': 'This reward does not wait for anyone to settle it.',
  'currency-mismatch': 'The order is in another currency than the shop’s program.',
  'not-a-member': 'Sign in to the store to see your points.',
  'not-found': 'There is nothing at this address.',
  busy: 'The records were busy; please try again.',
  'insufficient-points': 'This reward costs more points than the member has.',
  'rate-limited': 'Too many requests; please wait a moment and try again.',
  'unknown-reward': 'This reward is not in the program.',
  'program-inactive': 'The loyalty program is not active in this shop.',
  'invalid-birthday': 'This is not a birthday: a month from 1 to 12 and a day that month has.',
  'birthday-change-too-soon': 'A birthday can be changed once a year.',
  'referrals-off': 'This shop has no referral program.',
  'unknown-referral-code': 'There is no referral code like this in the shop.',
  'self-referral': 'A referral is for a new customer, not for the member who shares it.',
  'already-referred': 'This e-mail address already has a welcome reward.',
  'referral-not-found': 'There is no such referral in this shop.',
  'referral-not-blocked': 'Only a blocked referral can be approved or cancelled.',
  'invalid-import': 'The file has problems, so nothing was imported.',
  'shopify-unavailable': 'Shopify could not be reached for this; please try again in a moment.',
  'unsupported-media-type': 'The body is not in a format this address takes.',
  'not-configured': 'This is not set up in this deployment.',
  'invalid-campaign': 'The campaign has problems, so it was not saved.',
  'invalid-winback': 'The win-back request has problems, so no reward was given.',
  'campaign-overlap': 'This campaign would run at the same time as another on the same orders.',
  'campaign-started': 'This campaign has begun, so its terms stay as they are.',
  'too-many-campaigns': 'The shop keeps as many campaigns as it can.',
  internal: 'Something went wrong on our side.',
};

/** The title of a kind of problem; a kind without its own sentence still gets a human one. */
export function problemTitle(type: string): string {
  return problemTitles[type] ?? 'The request could not be completed.';
}

export function problemType(type: string): string {
  return `https://loyalty.dev/problems/${type}`;
}

export function problem(c: Context, status: ContentfulStatusCode, type: string, detail: string, extensions: Record<string, unknown> = {}): Response {
  const body: Problem = { ...extensions, type: problemType(type), title: problemTitle(type), status, detail };
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/problem+json' });
}

/** Thrown anywhere inside a handler; `app.onError` turns it into the answer. */
export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly type: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}
