/**
 * Where the browser tests find Chromium, and what they do without it. On a developer's machine a
 * missing Chromium skips them, with one line saying so. In CI (`.ci/run` sets
 * LOYALTY_REQUIRE_BROWSER=1) they run anyway and fail, so a green CI always means they ran.
 */
import { existsSync } from 'node:fs';

/** Debian's Chromium, unless CHROMIUM_PATH names another. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const required = process.env.LOYALTY_REQUIRE_BROWSER === '1';

/** Whether this machine runs the browser tests: true, or false after printing why not. */
export function browserTestsRun(): boolean {
  if (existsSync(CHROMIUM) || required) return true;
  process.stdout.write(
    `no Chromium at ${CHROMIUM}: skipping the browser tests (install Debian's chromium, or set CHROMIUM_PATH; LOYALTY_REQUIRE_BROWSER=1 makes this a failure)\n`,
  );
  return false;
}

/** Fails with what to do when Chromium is missing (the tests run only if it is there or required). */
export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: the browser tests need Debian's chromium (apt-get install chromium, as .ci/run does) or CHROMIUM_PATH`);
  }
}
