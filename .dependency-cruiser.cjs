/**
 * Module boundaries of src/ (`npm run lint:deps`, run first by `npm test`).
 *
 * A module is a folder src/modules/<name>/. Its index.ts is its public surface: the commands, queries,
 * events, ports and the Nest module class that others may use. Inside a module, files import each
 * other by relative path as they like; from outside, only the index.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-deep-module-imports',
      comment:
        'A file of module A imports module B (B ≠ A) only through B\'s public surface, src/modules/B/index.ts. ' +
        'Export what you need from that index (or move a shared piece to src/common) instead of reaching into B.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-deep-module-imports-from-outside',
      comment:
        'Code outside src/modules (src/common, src/config, src/infrastructure, and the wiring in app.module.ts, ' +
        'main.ts, worker.ts, bootstrap.ts) reaches a module only through its index.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/modules/' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'no-shared-code-to-modules',
      comment:
        'src/common and src/config are below every module: they import no module at all, not even an index ' +
        '(a cycle through a barrel leaves decorators with undefined classes at load time).',
      severity: 'error',
      from: { path: '^src/(common|config)/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'no-circular',
      comment:
        'No import cycle anywhere in src, at file level (type-only imports included). With the rules above ' +
        'this also rules out cycles between modules: every cross-module import goes through an index, ' +
        'and an index imports its own module, so two modules that import each other form a file cycle.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-test',
      comment: 'Production code never imports test code (test/, *.spec.ts).',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: ['^test/', '\\.spec\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count too: they couple modules just the same.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
