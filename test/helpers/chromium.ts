/**
 * Debian's Chromium driven by playwright-core, for the end-to-end tests and the dashboard benchmark.
 * `npx playwright install` cannot work on these machines; .ci/run installs the chromium package.
 * Every launch gets a fresh temporary profile (playwright's own --user-data-dir).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
