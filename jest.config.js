// Unit tests live beside the code (src/**/*.spec.ts) or, when they need in-memory adapters (test/unit/support), in test/unit; e2e tests drive the HTTP API against real servers (test/e2e).
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }]; // tsconfig sets isolatedModules: files are transpiled one by one, no type check

module.exports = {
  testTimeout: 60000,
  // JUnit XML for CI systems and QA (test-artifacts/jest-junit.xml; $JEST_JUNIT_OUTPUT_NAME renames it), one
  // <testsuite> per file named after its project; `npm run test:report` turns it into test-artifacts/test-report.html.
  reporters: [
    'default',
    [
      'jest-junit',
      {
        outputDirectory: 'test-artifacts',
        outputName: 'jest-junit.xml',
        suiteName: 'Dompet',
        suiteNameTemplate: '{displayName}: {filepath}',
        classNameTemplate: '{classname}',
        titleTemplate: '{title}',
        addFileAttribute: 'true',
        // A file that fails to run (a syntax error, a failing beforeAll) shows as a failed test case, not as nothing.
        reportTestSuiteErrors: 'true',
      },
    ],
  ],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      // One suite per port run against every adapter of it (describe.each), on the real database of the run: test/contract.
      displayName: 'contract',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/contract/**/*.contract-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      // Real processes of the compiled service (API and workers) killed, flushed and duplicated: test/fault.
      displayName: 'fault',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/fault/**/*.fault-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/test/fault/support/global-setup.ts',
    },
    {
      // A seeded, randomised run of money, login and logout traffic while servers and processes are
      // killed, paused and flushed, then invariants over answers and the ledger: test/chaos.
      displayName: 'chaos',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/test/chaos/support/global-setup.ts',
    },
    {
      // Swagger UI driven in Debian's headless Chromium (apt-get install -y chromium): test/browser.
      displayName: 'browser',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      // schemathesis (scripts/fuzz.sh) against an in-process app: test/fuzz.
      displayName: 'fuzz',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/fuzz/**/*.fuzz-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
  ],
};

// Keep jest's file crawler out of the local servers' state (.local/: database files, sockets) and build output.
for (const project of module.exports.projects) {
  project.modulePathIgnorePatterns = ['<rootDir>/.local/', '<rootDir>/dist/', '<rootDir>/test-artifacts/'];
}
