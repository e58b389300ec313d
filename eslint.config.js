// ESLint flat config: type-checked rules, zero warnings, and layer boundaries enforced by import zones.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'worker_threads',
  'url',
  'stream',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'dist-test-*',
      'renderer/dist',
      'models/build',
      'bench-data',
      'e2e/artifacts',
      'test-results',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'bin/*.mjs', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']",
          message: 'No focused tests.',
        },
      ],
    },
  },
  {
    // Engine code logs through the injected logger only.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/hosts/cli/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // Pure layer: no Node, no DOM, no engine.
    files: ['src/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, '**/engine/**', '**/hosts/**', 'electron', 'react'],
              message: 'src/common is pure: no Node, DOM or engine imports.',
            },
          ],
        },
      ],
    },
  },
  {
    // The engine never imports a host or electron.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/hosts/**', 'electron', '**/renderer/**'], message: 'The engine knows no host.' },
          ],
        },
      ],
    },
  },
  {
    // The renderer only sees the pure contract.
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, '**/engine/**', '**/hosts/**', 'electron'],
              message: 'The renderer imports only src/common.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
