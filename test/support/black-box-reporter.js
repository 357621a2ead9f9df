// Jest reporter for black-box e2e runs (`npm run test:e2e:remote`, and the black-box step of `npm test`):
// prints one line telling how many in-process-only tests the run left out, and why. Those tests are
// declared with itInProcess()/describeInProcess() (test/support/modes.ts), which mark their titles
// "[in-process only: <reason>]" when E2E_BASE_URL is set.
'use strict';

const MARK = /\[in-process only: ([^\]]+)\]/;

class BlackBoxReporter {
  constructor() {
    if (!process.env.E2E_BASE_URL) {
      throw new Error('This reporter is for black-box runs: set E2E_BASE_URL to the deployment to test (e.g. E2E_BASE_URL=http://127.0.0.1:3000).');
    }
  }

  onRunComplete(_contexts, results) {
    const reasons = new Map();
    let leftOut = 0;
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        const mark = MARK.exec(test.fullName);
        if (!mark || (test.status !== 'pending' && test.status !== 'skipped')) continue;
        leftOut++;
        reasons.set(mark[1], (reasons.get(mark[1]) || 0) + 1);
      }
    }
    const why = [...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${n} ${n === 1 ? 'needs' : 'need'} ${reason}`).join(', ');
    const ran = results.numPassedTests + results.numFailedTests;
    process.stderr.write(
      `[e2e] black-box run against ${process.env.E2E_BASE_URL}: ${ran} tests ran over HTTP only; ` +
        `left out ${leftOut} in-process-only tests${leftOut ? ` (${why})` : ''}.\n`,
    );
  }
}

module.exports = BlackBoxReporter;
