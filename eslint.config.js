import js from '@eslint/js';
import security from 'eslint-plugin-security';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// DESIGN.md "Dependencies point inwards": the parts (folders of src/) each part may not import.
// Patterns match the import's text, so `**/leads/**` catches `../../leads/lead-rules.ts`. Type
// imports count too: a type from another part is a dependency on it all the same. One entry per
// folder, because a later flat-config entry replaces an earlier one's options for the same rule.
// `text` (pure string helpers), `subprocess` (running a child process) and `runtime` (where Hermes's
// files are, what a bundle was built as) are leaves like `errors`:
// they import nothing but `errors`, and every part may use them, db, config and observability too.
// DESIGN.md keeps those three on `errors` alone because it depends on nothing; a leaf of helpers
// is the same kind of thing, so using one adds no dependency on another part.
const leaves = ['errors', 'text', 'subprocess', 'runtime'];
const allParts = [...leaves, 'config', 'db', 'observability', 'migrations', 'leads', 'delivery', 'ops'];
// The outer parts: deploy runs the gates; intake and cli are the edges.
const allBut = (...allowed) =>
  [...allParts, 'gates', 'deploy', 'watch', 'intake', 'cli'].filter((part) => !allowed.includes(part));
const layering = {
  'src/errors': { forbidden: allBut(), why: 'errors imports no other part' },
  'src/text': { forbidden: allBut('errors'), why: 'text is a leaf: it uses no other part but errors' },
  'src/subprocess': {
    forbidden: allBut('errors'),
    why: 'subprocess is a leaf: it uses no other part but errors',
  },
  // Where Hermes's own files are and what a bundle was built as: read by config and observability.
  'src/runtime': { forbidden: allBut('errors'), why: 'runtime is a leaf: it uses no other part but errors' },
  'src/db': { forbidden: allBut(...leaves), why: 'db uses no other part but errors and the leaves' },
  'src/config': {
    forbidden: allBut(...leaves),
    why: 'config uses no other part but errors and the leaves',
  },
  'src/observability': {
    forbidden: allBut(...leaves),
    why: 'observability uses no other part but errors and the leaves',
  },
  'src/leads': {
    forbidden: ['gates', 'deploy', 'intake', 'cli'],
    why: 'a part does not import the gates, the deploy pipeline or the edges',
  },
  'src/delivery': {
    forbidden: ['gates', 'deploy', 'intake', 'cli'],
    why: 'a part does not import the gates, the deploy pipeline or the edges',
  },
  'src/migrations': {
    forbidden: ['gates', 'deploy', 'intake', 'cli'],
    why: 'a part does not import the gates, the deploy pipeline or the edges',
  },
  'src/ops': {
    forbidden: ['gates', 'deploy', 'intake', 'cli'],
    why: 'a part does not import the gates, the deploy pipeline or the edges',
  },
  // deploy uses the gate engine (and its history), never the other way round.
  'src/gates': {
    forbidden: ['deploy', 'intake', 'cli'],
    why: 'the gate engine does not import the deploy pipeline or the edges',
  },
  'src/gates/builtin': { forbidden: ['cli'], why: 'nothing imports the CLI' },
  'src/deploy': { forbidden: ['intake', 'cli'], why: 'the deploy pipeline does not import the edges' },
  // The watcher judges a release the deploy pipeline made, and rolls it back through the targets.
  'src/watch': { forbidden: ['intake', 'cli'], why: 'the watcher does not import the edges' },
  'src/intake': { forbidden: ['gates', 'cli'], why: 'the intake does not import the gates or the CLI' },
};
const restrict = (forbidden, why) => ({
  'no-restricted-imports': [
    'error',
    { patterns: [{ group: forbidden.map((part) => `**/${part}/**`), message: `${why} (DESIGN.md)` }] },
  ],
});
export const layeringRules = [
  ...Object.entries(layering).map(([folder, { forbidden, why }]) => ({
    name: `layering/${folder}`,
    files: [`${folder}/**/*.ts`],
    rules: restrict(forbidden, why),
  })),
];

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '.hermes/', 'reports/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  security.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Object keys in this code base come from typed records, not user input.
      'security/detect-object-injection': 'off',
      // Paths come from configuration and the repository layout, never from HTTP input.
      'security/detect-non-literal-fs-filename': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  ...layeringRules,
);
