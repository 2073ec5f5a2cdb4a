// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * Library layers, lowest first. A layer may import only the layers before it; `sim/` and `cli/` sit
 * outside the library, so no library layer may import them. Peers at the same rank (doctor, gdb,
 * server) do not import each other.
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
  ['session.ts'],
  ['doctor', 'gdb', 'server'],
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
  from: ['transport', 'probe', 'arm', 'flash', 'session.ts', 'doctor', 'gdb', 'server', 'cli'].map(src),
  message: 'sim/ models hardware: it may import util/, arch/, target/ and protocol/ only.',
});

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
