/**
 * Dependency boundaries (checked by `npm run boundaries`, part of `npm test`):
 * - a module is used by other modules only through its index.ts;
 * - platform/ imports no module; web imports no server code; e2e imports neither.
 */
module.exports = {
  forbidden: [
    {
      name: 'module-internals',
      comment: 'Modules talk to each other only through index.ts',
      severity: 'error',
      from: { path: '^server/src/modules/([^/]+)/' },
      to: { path: '^server/src/modules/([^/]+)/', pathNot: ['^server/src/modules/$1/', '^server/src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-into-module-internals',
      comment: 'Code outside the modules (composition root, CLI, demo) uses a module through its index.ts, or its schemas',
      severity: 'error',
      from: { path: '^server/src/(app\\.ts|bin/|demo/)' },
      to: { path: '^server/src/modules/[^/]+/', pathNot: ['^server/src/modules/[^/]+/(index|schemas)\\.ts$'] },
    },
    {
      name: 'platform-imports-no-module',
      severity: 'error',
      from: { path: '^server/src/platform/' },
      to: { path: '^server/src/(modules|demo|bin|app\\.ts)' },
    },
    {
      name: 'web-imports-no-server',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^server/' },
    },
    {
      name: 'console-and-portal-apart',
      comment: 'The portal must never pull in the desktop console (antd), and the other way round',
      severity: 'error',
      from: { path: '^web/src/portal/' },
      to: { path: '^(web/src/console/|node_modules/antd/)' },
    },
    {
      name: 'console-not-portal',
      severity: 'error',
      from: { path: '^web/src/console/' },
      to: { path: '^web/src/portal/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^server/src' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    exclude: { path: ['node_modules', 'dist', '\\.tmp'] },
  },
};
