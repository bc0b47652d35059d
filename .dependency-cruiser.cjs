/**
 * The hexagon's rules, enforced by `npm run lint`:
 * - domain code is plain TypeScript: no Nest, TypeORM, BullMQ or HTTP libraries, nothing outside its module's
 *   domain and the shared kernel;
 * - application code never imports adapters, not even its own module's: it talks to them through ports;
 * - a module talks to another only through that module's index.ts.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-framework-free',
      severity: 'error',
      comment: 'domain/ holds pure rules: no framework, ORM, queue or HTTP imports',
      from: { path: '^src/modules/[^/]+/domain/' },
      to: {
        path: 'node_modules/(@nestjs|typeorm|bullmq|ioredis|pg|express|@opentelemetry|class-validator|class-transformer)/',
      },
    },
    {
      name: 'domain-imports-only-domain',
      severity: 'error',
      comment: 'domain/ may import its own module domain and src/shared only',
      from: { path: '^src/modules/([^/]+)/domain/' },
      to: { path: '^src/', pathNot: ['^src/modules/$1/domain/', '^src/shared/'] },
    },
    {
      name: 'application-not-adapters',
      severity: 'error',
      comment: 'application/ orchestrates through ports (abstract classes in ports/); adapters implement them',
      from: { path: '^src/modules/[^/]+/(application|ports)/' },
      to: { path: '^src/modules/[^/]+/adapters/' },
    },
    {
      name: 'modules-meet-at-index',
      severity: 'error',
      comment: 'another module is reached only through its index.ts',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/.+', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['\\.spec\\.ts$'] },
  },
};
