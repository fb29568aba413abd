// ESLint flat config: TypeScript rules plus the architecture's import zones
// (shared/docs/architecture.md, "Layout and import rules"). A rule broken here is a design question.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url', 'util', 'zlib', 'stream', 'stream/*', 'worker_threads', 'module', 'events'];
const nodeBuiltinPatterns = NODE_BUILTINS.map((p) => ({ group: [p], message: 'Node built-ins are not available here.' }));
const noElectron = { group: ['electron', 'electron/*', 'electron-store'], message: "Only electron/main and electron/preload may import 'electron'." };

// User-facing text comes from the i18n files (renderer/ui/i18n, issue #18), never a literal in a component: any
// letter (Latin, kana, kanji) in JSX text or in a label-like attribute is reported, in every component of renderer/.
// (Text that comes from the services, and viewport labels the imaging engine keys on, are not components' literals.)
const USER_TEXT = /[A-Za-z\u3040-\u30ff\u3400-\u9fff]/;
const LABEL_ATTRIBUTES = new Set(['title', 'aria-label', 'placeholder', 'alt', 'aria-valuetext']);
const i18nPlugin = {
  rules: {
    'no-literal-ui-text': {
      meta: { type: 'problem', messages: { literal: 'User-facing text "{{text}}" must come from the i18n files: t(\'…\') (renderer/ui/i18n).' } },
      create(context) {
        const report = (node, text) => context.report({ node, messageId: 'literal', data: { text: text.trim().slice(0, 40) } });
        return {
          JSXText(node) {
            if (USER_TEXT.test(node.value)) report(node, node.value);
          },
          JSXAttribute(node) {
            if (!LABEL_ATTRIBUTES.has(node.name.name)) return;
            const v = node.value;
            if (v?.type === 'Literal' && typeof v.value === 'string' && USER_TEXT.test(v.value)) report(node, v.value);
            if (v?.type === 'JSXExpressionContainer' && v.expression.type === 'Literal' && typeof v.expression.value === 'string' && USER_TEXT.test(v.expression.value)) report(node, v.expression.value);
            if (v?.type === 'JSXExpressionContainer' && v.expression.type === 'TemplateLiteral' && v.expression.quasis.some((q) => USER_TEXT.test(q.value.cooked ?? ''))) report(node, v.expression.quasis.map((q) => q.value.cooked).join('…'));
          },
        };
      },
    },
  },
};
const TRANSLATED = ['renderer/**/*.tsx'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scratch/**', 'test-results/**', 'bench-results/**', 'resources/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': 'off',
    },
  },
  {
    // common/: isomorphic; imports nothing of ours outside common/, no Node, no DOM, no electron.
    files: ['common/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', { patterns: [...nodeBuiltinPatterns, noElectron, { group: ['**/electron/**', '**/renderer/**'], message: 'common/ imports nothing outside common/.' }] }],
    },
  },
  {
    // Services run in plain Node (and may move to a utilityProcess): never electron, never the renderer.
    files: ['electron/services/**/*.ts', 'electron/cli/**/*.ts', 'electron/browser-host/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noElectron, { group: ['**/renderer/**', '**/electron/main/**', '**/electron/preload/**'], message: 'Services and hosts import only services and common.' }] }],
    },
  },
  {
    // The preload: contextBridge/ipcRenderer and the contract, nothing else.
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...nodeBuiltinPatterns, { group: ['**/services/**', '**/renderer/**', '**/browser-host/**', '**/main/**'], message: 'The preload imports only the contract and electron.' }] }],
    },
  },
  {
    // The renderer: browser code. No Node, no electron, only common/ from outside.
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...nodeBuiltinPatterns,
            noElectron,
            { group: ['**/electron/**'], message: 'The renderer reaches services only through platform/ (IPC) and the data plane.' },
          ],
        },
      ],
    },
  },
  {
    // Only imaging/ owns cornerstone3D and vtk.js.
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/imaging/**', 'renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...nodeBuiltinPatterns,
            noElectron,
            { group: ['**/electron/**'], message: 'The renderer reaches services only through platform/ (IPC) and the data plane.' },
            { group: ['@cornerstonejs/*', '@kitware/vtk.js', '@kitware/vtk.js/*'], message: 'Only renderer/imaging may import cornerstone3D or vtk.js; use its index.' },
            { group: ['**/imaging/*', '!**/imaging/index'], message: 'Use renderer/imaging through its index.' },
            { group: ['**/features/*/components/*', '**/features/*/model/*'], message: 'Features import each other only through their index.ts.' },
          ],
        },
      ],
    },
  },
  {
    // Inside a feature, its own components/ and model/ are fine; other features only via index.
    files: ['renderer/features/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...nodeBuiltinPatterns,
            noElectron,
            { group: ['**/electron/**'], message: 'The renderer reaches services only through platform/ (IPC) and the data plane.' },
            { group: ['@cornerstonejs/*', '@kitware/vtk.js', '@kitware/vtk.js/*'], message: 'Only renderer/imaging may import cornerstone3D or vtk.js; use its index.' },
            { group: ['**/imaging/*', '!**/imaging/index'], message: 'Use renderer/imaging through its index.' },
            { group: ['../../*/components/*', '../../*/model/*'], message: 'Features import each other only through their index.ts.' },
          ],
        },
      ],
    },
  },
  {
    // model/ folders are pure: no React.
    files: ['renderer/features/*/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...nodeBuiltinPatterns, noElectron, { group: ['react', 'react-dom', 'react/*'], message: 'model/ is pure: no React.' }, { group: ['@cornerstonejs/*'], message: 'model/ is pure.' }] }],
    },
  },
  {
    files: TRANSLATED,
    plugins: { 'dokuei-i18n': i18nPlugin },
    rules: { 'dokuei-i18n/no-literal-ui-text': 'error' },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.mjs', 'bench/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
