import { defineConfig } from 'tsup';

export default defineConfig([
	{
		entry: {
			index: 'src/index.ts',
			'node/index': 'src/node.ts',
			'browser/index': 'src/browser.ts',
			'testing/index': 'src/testing/index.ts',
		},
		format: ['esm', 'cjs'],
		dts: true,
		sourcemap: true,
		clean: true,
		target: 'es2022',
		treeshake: true,
		// Shared chunks keep one copy of the error classes when several entry points are loaded.
		splitting: true,
	},
	{
		// The command ships as ESM only: it is run, never imported.
		entry: { 'cli/main': 'src/cli/main.ts' },
		format: ['esm'],
		sourcemap: true,
		target: 'es2022',
		platform: 'node',
	},
]);
