// Lint gate: a few rules that hold the project's important lines (type-only imports, exhaustive
// switches, no forgotten promises) plus the purity rule of docs/architecture.md ("Pure cores, I/O at
// the edges") on the pure modules. Formatting is Prettier's job, not ESLint's.
import tseslint from 'typescript-eslint';

const PURE = [
  'src/vrrp/address.ts',
  'src/vrrp/checksum.ts',
  'src/vrrp/packet.ts',
  'src/vrrp/validate.ts',
  'src/vrrp/machine-config.ts',
  'src/vrrp/machine.ts',
  'src/vrrp/group.ts',
  'src/vrrp/repeat.ts',
  'src/vrrp/reload-plan.ts',
  'src/vrrp/vip-diff.ts',
  'src/vrrp/state-dump.ts',
  'src/vrrp/counters.ts',
  'src/vrrp/status.ts',
  'src/config/validate-vrrp.ts',
  'src/config/validate.ts',
  'src/lab/lab-view.ts',
  'src/lab/lab-view-text.ts',
  'src/lab/chaos-cycle.ts',
  'src/lab/outage.ts',
  'src/health/rise-fall.ts',
  'src/health/check-status.ts',
  'src/health/http-check-proto.ts',
  'src/health/tcp-check-match.ts',
  'src/health/ssl-hello.ts',
  'src/health/history.ts',
  'src/dns/resolution.ts',
  'src/config/node-checks.ts',
  'src/config/model.ts',
  'src/config/haproxy/**/*.ts',
  'src/config/keepalived/**/*.ts',
  'src/config/yaml/**/*.ts',
  'src/daemon/fd-budget.ts',
  'src/proxy/wait-queue.ts',
  'src/proxy/balance/**/*.ts',
  'src/proxy/http/head-parser.ts',
  'src/proxy/http/chunked.ts',
  'src/track/script-state.ts',
  'src/track/priority.ts',
  'src/admin/status.ts',
];

const CLOCK_SYNTAX = [
  { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'pure core: no clock; time is passed in.' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'pure core: no clock; time is passed in.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // node:test's test()/describe() return promises the runner awaits itself; the rule holds in the product.
    files: ['src/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    // Pure cores (docs/architecture.md, conventions §1): no node:* module, no clock, no timers, no
    // process, no console or logger, no randomness. Time and chance come in as arguments, so these
    // are unit-tested with fabricated inputs, without sockets or sleeps.
    files: PURE,
    // The keepalived loader's file and host reads are its adapters.
    ignores: ['src/config/keepalived/fs-source.ts', 'src/config/keepalived/load.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'pure core: no node:* module; take what you need as an argument.' },
            { group: ['**/log/logger', '**/log/logger.js', 'pino'], message: 'pure core: no logger; return what happened as data.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'pure core: no process global; pass the value in.' },
        { name: 'console', message: 'pure core: no console; return what happened as data.' },
        { name: 'performance', message: 'pure core: no clock; time is passed in.' },
        { name: 'setTimeout', message: 'pure core: no timers; return a deadline.' },
        { name: 'setInterval', message: 'pure core: no timers; return a deadline.' },
        { name: 'setImmediate', message: 'pure core: no timers; return a deadline.' },
        { name: 'queueMicrotask', message: 'pure core: no scheduling; return a decision.' },
        { name: 'require', message: 'pure core: no require().' },
      ],
      'no-restricted-syntax': ['error', ...CLOCK_SYNTAX, { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'pure core: no randomness; pass a random source in.' }],
    },
  },
  {
    // `balance random` takes its random source as an option (tests pass a seeded one); Math.random is
    // only the default the daemon gets.
    files: ['src/proxy/balance/random.ts'],
    rules: { 'no-restricted-syntax': ['error', ...CLOCK_SYNTAX] },
  },
);
