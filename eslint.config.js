// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { builtinModules } from 'node:module';

/**
 * Library layers, lowest first (see docs/architecture.md). A layer may import only the layers before
 * it; `sim/` and `cli/` sit outside the library, so no library layer may import them. Peers at the
 * same rank (doctor, gdb, server) do not import each other.
 *
 * arch/ and target/ are pure data (the architecture's register facts, the chips); protocol/ declares
 * the probe link contract (protocol/link.ts) that transport/ implements, so transport/ sits above it.
 */
const LAYERS = [
  ['util'],
  ['arch'],
  ['target'],
  ['protocol'],
  ['transport'],
  ['probe'],
  ['arm'],
  ['flash'],
  // session.ts is the Session class; session/ holds its parts (connect ladder, consent, ...).
  ['session'],
  ['session.ts'],
  // integrations/ turns the identified chip into IDE configuration text; it needs only target/ and util/,
  // and sits at the top so it may use the session's types as it grows.
  ['doctor', 'gdb', 'server', 'integrations'],
];
const OUTSIDE_LIBRARY = ['sim', 'cli'];

const src = (name) => `./src/${name}`;
const zones = [];
LAYERS.forEach((rank, i) => {
  const above = LAYERS.slice(i + 1).flat();
  for (const layer of rank) {
    const peers = rank.filter((other) => other !== layer);
    zones.push({
      target: src(layer),
      from: [...above, ...peers, ...OUTSIDE_LIBRARY].map(src),
      message: `'${layer}' is a lower layer: it may not import higher layers, its peers, sim/ or cli/.`,
    });
  }
});
// The virtual board is a separate world: it may use the shared data (arch/, target/: register layouts,
// memory maps, the facts both sides share) and protocol/'s codecs and link contract, never the
// host-side stack.
zones.push({
  target: src('sim'),
  from: [
    'transport',
    'probe',
    'arm',
    'flash',
    'session',
    'session.ts',
    'doctor',
    'gdb',
    'server',
    'integrations',
    'cli',
  ].map(src),
  message: 'sim/ models hardware: it may import util/, arch/, target/ and protocol/ only.',
});

/**
 * The library must bundle for a browser unchanged (the browser UI will share it), so only the edge may
 * touch Node: `src/cli/`, files named `*.node.ts` (sockets, files, /proc, node-usb; in sim/ only
 * sim/board/state-file.node.ts), and the unit specs (`*.test.ts`; every test helper is in
 * test/support/, outside src/). Elsewhere a Node builtin, `process` or `Buffer` fails the lint, and so
 * does importing an edge file (a type-only import is erased, so it may).
 */
const NODE_ONLY =
  'is Node-only: put it in a `*.node.ts` edge file (or src/cli/) and pass what the library needs in.';
const nodeEdge = {
  files: ['src/**/*.ts'],
  ignores: ['src/cli/**', 'src/**/*.node.ts', 'src/**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: builtinModules.map((name) => ({ name, message: `'${name}' ${NODE_ONLY}` })),
        patterns: [
          { regex: '^node:', message: `A node: module ${NODE_ONLY}` },
          {
            regex: '\\.node(\\.js)?$',
            allowTypeImports: true,
            message:
              'An edge file may import library code, never the reverse (the bundle would pull Node in).',
          },
        ],
      },
    ],
    'no-restricted-syntax': [
      'error',
      { selector: 'ImportExpression > Literal[value=/^node:/]', message: `A node: module ${NODE_ONLY}` },
      {
        selector: "MemberExpression[object.name='globalThis'][property.name=/^(process|Buffer)$/]",
        message: `process and Buffer are Node-only: put the code in a \`*.node.ts\` edge file.`,
      },
    ],
    'no-restricted-globals': [
      'error',
      { name: 'process', message: `process ${NODE_ONLY}` },
      { name: 'Buffer', message: `Buffer ${NODE_ONLY} Use Uint8Array (util/bytes.ts).` },
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'firmware/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-self-import': 'error',
      'import-x/no-useless-path-segments': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Register arithmetic is bitwise by nature.
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      'no-bitwise': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  nodeEdge,
  {
    // The simulator indexes typed arrays on its hot paths; with noUncheckedIndexedAccess the
    // alternative to `!` is a branch per register access.
    files: ['src/sim/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
