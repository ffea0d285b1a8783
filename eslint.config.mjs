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
  // Layers: deployed code (lib/, lambda/) stands alone; tools/, bench/ and test/ share fakes and
  // local servers through testing/; only test/ holds what tests alone use.
  restrictImports(['bin/**', 'config/**', 'lib/**', 'lambda/**'], ['test', 'testing', 'tools', 'bench', 'scripts']),
  restrictImports(['scripts/**'], ['test', 'testing', 'tools', 'bench']),
  restrictImports(['tools/**'], ['test', 'bench']),
  restrictImports(['bench/**'], ['test']),
  restrictImports(['testing/**'], ['test', 'bench'], ['tools']),
  restrictImports(['test/**'], ['bench']),
);

/**
 * Forbids `files` to import from the top-level folders `forbidden`, and from `typesOnly` except
 * for types.
 * @param {string[]} files
 * @param {string[]} forbidden
 * @param {string[]} [typesOnly]
 */
function restrictImports(files, forbidden, typesOnly = []) {
  const pattern = (folders, allowTypeImports) => ({
    regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`,
    message: `${files.join(', ')} must not import from ${folders.map((f) => `${f}/`).join(', ')}${allowTypeImports ? ' except types' : ''}.`,
    allowTypeImports,
  });
  const patterns = [pattern(forbidden, false)];
  if (typesOnly.length > 0) patterns.push(pattern(typesOnly, true));
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}
