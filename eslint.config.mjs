// @ts-check
import tseslint from 'typescript-eslint';

/** What deployed code (the app, its config, constructs and handlers) never imports. */
const DEPLOYED_MUST_NOT_IMPORT = ['test', 'testing', 'tools', 'bench', 'scripts'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'flink/**', '.venv/**', '**/*.js', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // CDK tests and scripts load modules at run time on purpose.
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-syntax': [
        'error',
        {
          // The named export is a namespace object esbuild cannot tree-shake: every handler bundle
          // would carry all of zod (about 450 KB instead of 80).
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "Import zod as a namespace: import * as z from 'zod'.",
        },
      ],
    },
  },
  // Layers: deployed code (lib/, lambda/) stands alone; tools/, bench/ and test/ share fakes and
  // local servers through testing/; only test/ holds what tests alone use.
  restrictImports(['bin/**', 'config/**', 'lib/**', 'lambda/**'], DEPLOYED_MUST_NOT_IMPORT),
  restrictImports(['scripts/**'], ['test', 'testing', 'tools', 'bench']),
  restrictImports(['tools/**'], ['test', 'bench']),
  restrictImports(['bench/**'], ['test']),
  restrictImports(['testing/**'], ['test', 'bench'], ['tools']),
  restrictImports(['test/**'], ['bench']),
  {
    // Handler cores are pure logic: AWS and the environment are reached through adapters.
    files: ['lambda/*/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...importPatterns(['lambda/**'], DEPLOYED_MUST_NOT_IMPORT),
            { group: ['@aws-sdk/*'], message: 'core/ is pure: call AWS from adapters/.' },
            // Adapters and handlers depend on core, never the other way round.
            {
              regex: '^(\\.\\./)+(adapters|handlers)(/|$)',
              message: 'core/ must not import from adapters/ or handlers/: move what both need into core/.',
            },
          ],
        },
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

/**
 * Forbids `files` to import from the top-level folders `forbidden`, and from `typesOnly` except
 * for types. (A later config block that sets no-restricted-imports for some of these files
 * replaces these patterns, so such a block includes `importPatterns` itself.)
 * @param {string[]} files
 * @param {string[]} forbidden
 * @param {string[]} [typesOnly]
 */
function restrictImports(files, forbidden, typesOnly = []) {
  return {
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: importPatterns(files, forbidden, typesOnly) }] },
  };
}

/**
 * @param {string[]} files
 * @param {string[]} forbidden
 * @param {string[]} [typesOnly]
 */
function importPatterns(files, forbidden, typesOnly = []) {
  const pattern = (folders, allowTypeImports) => ({
    regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`,
    message: `${files.join(', ')} must not import from ${folders.map((f) => `${f}/`).join(', ')}${allowTypeImports ? ' except types' : ''}.`,
    allowTypeImports,
  });
  const patterns = [pattern(forbidden, false)];
  if (typesOnly.length > 0) patterns.push(pattern(typesOnly, true));
  return patterns;
}
