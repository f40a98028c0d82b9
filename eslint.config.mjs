// Lint rules follow the Temporal samples: workflow code is deterministic and sandboxed,
// so it may not reach Node built-ins, the database driver or the HTTP server.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'console/dist/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', 'console/src/**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'pg', 'pg-query-stream', 'express', '@temporalio/activity', '@temporalio/client', '@temporalio/worker'].map(
            (name) => ({ name, message: 'Workflow code runs in a deterministic sandbox; do this in an activity.' }),
          ),
          patterns: [
            // At any depth (../, ../../, ...): the layers with side effects are reached through activities only.
            {
              regex: '^(\\.\\./)+(activities|db|store|api|services|worker|main|notify|secrets|asana|simulator)(/|$)',
              allowTypeImports: true,
              message: 'Workflows import only types from activities, the database and the API; do the work in an activity.',
            },
            { regex: '^(node:|pg(-|$)|express(/|$))', message: 'Workflow code runs in a deterministic sandbox; do this in an activity.' },
          ],
        },
      ],
    },
  },
);
