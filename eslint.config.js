import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'coverage/', 'bench-results/', 'test/elasticsearch/target/', 'test/elasticsearch/.data/', 'client/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-control-regex': 'off',
    },
  },
  {
    files: ['server/**/*.ts', 'pipelines/**/*.ts'],
    rules: {
      // Configuration is read once, in server/config.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through server/config.' }],
    },
  },
  {
    files: ['server/config/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The plain-JavaScript launcher and bundler run on Node before any TypeScript is compiled.
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
  {
    files: ['client/public/**/*.js'],
    languageOptions: { globals: { document: 'readonly', fetch: 'readonly', URLSearchParams: 'readonly', Intl: 'readonly' } },
  },
);
