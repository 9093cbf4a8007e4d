// ESLint 9 flat config: typescript-eslint's type-aware rules (floating promises, unsafe `any`, ...)
// over src/, tests/, bench/ and the config files, and Prettier (.prettierrc.json) as a rule, so
// `npm run lint` checks both and `npm run lint -- --fix` fixes both.
import js from '@eslint/js';
import globals from 'globals';
import prettier from 'eslint-plugin-prettier/recommended';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'bench-results/', '.data/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Each file is checked with the tsconfig that builds it: ./ (src), tests/ (also scripts/), bench/.
        projectService: { allowDefaultProject: ['prisma.config.ts', 'scripts/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // An async function without await is ordinary (it implements a Promise-returning interface).
      '@typescript-eslint/require-await': 'off',
      // `Spec | undefined` where Spec is `any` documents intent; not worth a finding.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      // The house style passes `internals.method` as a callback; those methods never use `this`.
      '@typescript-eslint/unbound-method': 'off',
      // `interface AuthCredentials extends Credentials {}` is how hapi's types are augmented.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // `_`-prefixed names mark a parameter a signature needs but the body does not.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests and scripts/ read parsed JSON (response bodies, the OpenAPI document) as `any`; tests'
    // `expect`s check its shape at run time.
    files: ['tests/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plain JavaScript (config files, scripts/, .ci/): no type information, Node's globals.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
