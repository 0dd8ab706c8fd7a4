// @ts-check
// Flat config: typescript-eslint (typed), angular-eslint, NgRx and rxjs-x. Typed rules need a
// tsconfig per area: the app and its specs (tsconfig.app/spec.json) and the server.
const tseslint = require('typescript-eslint');
const angular = require('angular-eslint');
const ngrx = require('@ngrx/eslint-plugin/v9');
const rxjsX = require('eslint-plugin-rxjs-x');

const typedProjects = [
  './tsconfig.app.json',
  './tsconfig.spec.json',
  './server/tsconfig.json',
  './sim/tsconfig.json',
];

module.exports = tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.angular/**',
      'out-tsc/**',
      '.test-results/**',
      'e2e/artifacts/**',
      'bench/artifacts/**',
      '.sync-data/**',
      'coverage/**',
    ],
  },
  {
    files: ['src/**/*.ts', 'contract/**/*.ts', 'server/**/*.ts', 'sim/**/*.ts'],
    extends: [tseslint.configs.recommended, rxjsX.configs.recommended],
    languageOptions: {
      parserOptions: { project: typedProjects, tsconfigRootDir: __dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // The engine turns every error into an outcome; an empty catch would hide one.
      'no-empty': ['error', { allowEmptyCatch: false }],
      'no-console': ['error', { allow: ['warn', 'error', 'info'] }],
    },
  },
  {
    files: ['src/**/*.ts'],
    extends: [angular.configs.tsRecommended, ngrx.configs.store, ngrx.configs.effects],
    processor: angular.processInlineTemplates,
    rules: {
      '@angular-eslint/directive-selector': [
        'error',
        { type: 'attribute', prefix: 'app', style: 'camelCase' },
      ],
      '@angular-eslint/component-selector': [
        'error',
        { type: 'element', prefix: 'app', style: 'kebab-case' },
      ],
    },
  },
  {
    // The engine reads the browser through SYNC_BROWSER only (sync.tokens.ts), so specs and the
    // simulation give it a browser of their own. Before the core's rule, which lists more.
    files: ['src/app/sync/**/*.ts'],
    ignores: ['src/app/sync/sync.tokens.ts', '**/*.spec.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'Use SYNC_BROWSER.' },
        { name: 'document', message: 'Use SYNC_BROWSER.' },
        { name: 'navigator', message: 'Use SYNC_BROWSER.' },
        { name: 'localStorage', message: 'Use SYNC_BROWSER.' },
      ],
    },
  },
  {
    // The pure core must stay free of Angular, RxDB and the DOM (see docs/architecture.md).
    files: ['src/app/sync/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@angular/*', 'rxdb', 'rxdb/*', '@ngrx/*', 'rxjs/internal/*'] },
      ],
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'navigator',
        'setTimeout',
        'setInterval',
        'localStorage',
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use scheduler.now().' },
      ],
    },
  },
  {
    // Features use the engine through its public face only (src/app/sync/index.ts) and its
    // testing kit; the engine's insides may change without them noticing.
    files: ['src/app/features/**/*.ts', 'src/app/shell/**/*.ts', 'src/app/session/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '**/sync/core',
            '**/sync/core/*',
            '**/sync/local',
            '**/sync/local/*',
            '**/sync/engine/*',
            '**/sync/state/*',
            '**/sync/lock/*',
            '**/sync/gate/*',
            '**/sync/transport/*',
            '**/sync/ui/*',
          ],
        },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/src/app/**'] }] },
  },
  {
    files: ['**/*.spec.ts', 'server/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['src/**/*.html'],
    extends: [angular.configs.templateRecommended, angular.configs.templateAccessibility],
  },
  {
    // Playwright specs, page objects and the bench: TypeScript, linted without type information.
    files: ['e2e/**/*.ts', 'bench/**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
