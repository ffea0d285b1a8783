// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'flink/**', '.venv/**', '**/*.js', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // CDK tests and scripts load modules at run time on purpose.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Handler cores are pure logic: AWS and the environment are reached through adapters.
    files: ['lambda/*/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@aws-sdk/*'], message: 'core/ is pure: call AWS from adapters/.' }] },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'core/ is pure: read the environment in adapters/ or handlers/.',
        },
      ],
    },
  },
);
