import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// ---- Layers: imports run one way, renderer/cli/electron/server → core → preload ---------------------
// Each folder gets one `no-restricted-imports` (static imports and re-exports) and one
// `no-restricted-syntax` (dynamic `import()`) with every restriction that applies to it: in a flat
// config a later entry for the same rule replaces an earlier one, so the zones below do not overlap.
// Relative imports are matched by where they climb to: `../../main/…` from any depth is main/.

/**
 * An import that climbs out of its folder into `folder` (`../../main/core/x` from any depth). Only a
 * folder with an index module may be imported bare (`../engine`); `../main` from renderer/components is
 * the renderer's own main.tsx, not main/.
 */
const into = (folder, bare = false) => `^(\\.\\./)+(${folder})${bare ? '(/|$)' : '/'}`;

const R = {
  main: { regex: into('main'), message: 'main/ is the engine side: preload/ and renderer/ never import it; move what both sides need to preload/.' },
  renderer: { regex: into('renderer'), message: 'renderer/ is the UI: nothing outside it imports it; move what both sides need to preload/.' },
  outerMain: { regex: into('cli|server|electron'), message: 'main/core is below the CLI, the server and the Electron shell: it never imports them.' },
  engine: { regex: into('(core/)?engine', true), message: 'sessions call back into the engine through an interface they are given, never by importing main/core/engine.' },
  nodeScheme: { regex: '^node:', message: 'preload/ runs in a sandboxed preload and in the browser: no Node modules.' },
};
const BUILTINS = builtinModules.filter((m) => !m.startsWith('_'));
const P = {
  electron: (why) => ({ name: 'electron', message: why }),
  builtins: BUILTINS.map((name) => ({ name, message: 'preload/ runs in a sandboxed preload and in the browser: no Node modules.' })),
};

/** The rules of one zone: the same restrictions for static imports and for `import()`. */
function layer(files, { patterns = [], paths = [], ignores }) {
  const dynamic = [
    ...patterns.map((p) => ({ selector: `ImportExpression[source.value=/${p.regex.replace(/\//g, '\\/')}/]`, message: p.message })),
    ...paths.map((p) => ({ selector: `ImportExpression[source.value=${JSON.stringify(p.name)}]`, message: p.message })),
  ];
  return {
    files,
    ...(ignores ? { ignores } : {}),
    rules: {
      'no-restricted-imports': ['error', { paths, patterns: patterns.map((p) => ({ regex: p.regex, message: p.message, caseSensitive: true })) }],
      'no-restricted-syntax': ['error', ...dynamic],
    },
  };
}

const TS = '**/*.{ts,tsx,js,mjs}';
const noElectronHere = (where) => P.electron(`${where} runs under plain Node: no electron here.`);

const layers = [
  // preload: the ground floor. Only the Electron preload entry talks to electron.
  layer([`preload/${TS}`], {
    ignores: ['preload/index.ts', 'preload/**/*.test.{ts,tsx}'],
    patterns: [R.main, R.renderer, R.nodeScheme],
    paths: [P.electron('only preload/index.ts (the Electron preload entry) uses electron; the rest of preload/ is shared with the browser.'), ...P.builtins],
  }),
  layer(['preload/index.ts'], { patterns: [R.main, R.renderer, R.nodeScheme], paths: P.builtins }),
  // preload's tests run under Node: they may use Node modules, but not the other layers.
  layer(['preload/**/*.test.{ts,tsx}'], { patterns: [R.main, R.renderer], paths: [P.electron('preload/ is shared with the browser.')] }),
  // renderer: preload only.
  layer([`renderer/${TS}`], { patterns: [R.main], paths: [P.electron('the renderer is sandboxed: it talks to the engine through window.maestro (preload/).')] }),
  // main/core: plain Node, below the CLI, the server and the shell.
  layer([`main/core/${TS}`], {
    ignores: [`main/core/sessions/${TS}`],
    patterns: [R.outerMain, R.renderer],
    paths: [noElectronHere('main/core')],
  }),
  layer([`main/core/sessions/${TS}`], { patterns: [R.outerMain, R.renderer, R.engine], paths: [noElectronHere('main/core')] }),
  // The outer layers may import core and preload, never the renderer's code.
  layer([`main/cli/${TS}`, `main/server/${TS}`], { patterns: [R.renderer], paths: [noElectronHere('the CLI and the browser-mode server')] }),
  layer([`main/electron/${TS}`], { patterns: [R.renderer] }),
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'release/**', 'node_modules/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-control-regex': 'off',
    },
  },
  ...layers,
);
