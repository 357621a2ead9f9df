// Jest reporter for black-box e2e runs (`npm run test:e2e:remote`, and the black-box step of `npm test`):
// prints one line telling how many in-process-only tests the run left out, and why. Those tests are
// declared with itInProcess()/describeInProcess() (test/support/modes.ts); when E2E_BASE_URL is set they
// are not registered, only written to the file this reporter names in E2E_LEFT_OUT_LOG.
'use strict';

const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

class BlackBoxReporter {
  constructor() {
    if (!process.env.E2E_BASE_URL) {
      throw new Error('This reporter is for black-box runs: set E2E_BASE_URL to the deployment to test (e.g. E2E_BASE_URL=http://127.0.0.1:3000).');
    }
    // Set before any test file loads, so test processes inherit it.
    this.dir = mkdtempSync(join(tmpdir(), 'dompet-e2e-'));
    process.env.E2E_LEFT_OUT_LOG = join(this.dir, 'left-out.jsonl');
  }

  onRunComplete(_contexts, results) {
    const reasons = new Map();
    let leftOut = 0;
    let lines = [];
    try {
      lines = readFileSync(process.env.E2E_LEFT_OUT_LOG, 'utf8').split('\n').filter(Boolean);
    } catch {
      // Nothing was left out.
    }
    for (const line of lines) {
      const { reason, tests } = JSON.parse(line);
      leftOut += tests;
      reasons.set(reason, (reasons.get(reason) || 0) + tests);
    }
    rmSync(this.dir, { recursive: true, force: true });
    const why = [...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${n} ${n === 1 ? 'needs' : 'need'} ${reason}`).join(', ');
    const ran = results.numPassedTests + results.numFailedTests;
    process.stderr.write(
      `[e2e] black-box run against ${process.env.E2E_BASE_URL}: ${ran} tests ran over HTTP only; ` +
        `left out ${leftOut} in-process-only tests${leftOut ? ` (${why})` : ''}.\n`,
    );
  }
}

module.exports = BlackBoxReporter;
