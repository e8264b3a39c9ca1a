/** A request's body as JSON; text that is not JSON is a 400 problem. */
import { HttpProblem } from './problems.ts';

export async function jsonBody(request: Request): Promise<unknown> {
  try {
    return JSON.parse(await request.text());
  } catch {
    throw new HttpProblem(400, 'invalid-request', 'the body is not JSON');
  }
}
