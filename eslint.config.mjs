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
);
