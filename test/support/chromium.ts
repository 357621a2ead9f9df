import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

// $CHROMIUM_PATH, when set, is the only candidate.
const CHROMIUM_CANDIDATES = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Debian's Chromium (`apt-get install -y chromium`), or $CHROMIUM_PATH; never a downloaded browser. */
export function findChromium(): string {
  const found = CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `No Chromium found (looked at ${CHROMIUM_CANDIDATES.join(', ')}). ` +
        'Install it with `apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  return found;
}

/** A headless Chromium for the browser tests. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: ['--headless', '--no-sandbox'] });
}
