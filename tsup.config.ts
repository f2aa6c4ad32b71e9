import { builtinModules } from 'node:module';
import { defineConfig } from 'tsup';
import { browserVariants } from './scripts/browser-variants.js';

// Runtime dependencies published as ES modules only (and their own dependencies). The ESM build imports them; the
// CJS build carries its own copy, because require() of an ES module fails on Node 22.0-22.11 and inside test
// runners with their own module loader (Jest), which is where CommonJS consumers still live.
const esmOnly = ['uuid'];
const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default defineConfig([
	{
		entry: {
			index: 'src/index.ts',
			'node/index': 'src/node.ts',
			'browser/index': 'src/browser.ts',
			'journal/index': 'src/journal.ts',
			'testing/index': 'src/testing/index.ts',
			'testing/msw': 'src/testing/msw.ts',
			'agent/index': 'src/agent/index.ts',
			'redis/index': 'src/redis.ts',
			'postgres/index': 'src/postgres.ts',
		},
		format: ['esm', 'cjs'],
		dts: true,
		sourcemap: true,
		clean: true,
		target: 'es2022',
		treeshake: true,
		// Shared chunks keep one copy of the error classes when several entry points are loaded.
		splitting: true,
		noExternal: esmOnly,
		esbuildOptions(options, { format }) {
			if (format === 'esm') {
				options.external = [...(options.external ?? []), ...esmOnly];
				return;
			}
			// Neutral, not node: the copies bundled into the CJS build must be the web-standard ones (uuid's `node`
			// export would pull node:crypto into the core), like what a bundler picks for the ESM build.
			options.platform = 'neutral';
			options.mainFields = ['module', 'main'];
			options.external = [...(options.external ?? []), ...nodeBuiltins];
		},
	},
	{
		// What a browser bundler gets (the `browser` export condition): the same sources with their `.browser.ts`
		// variants (see scripts/browser-variants.ts), ESM only, since every browser bundler reads ESM. Every entry a page
		// can load is here, so that they share one copy of the error classes (`instanceof` holds across entries);
		// idemkey/node and idemkey/testing (FileJournal, the emulator's HTTP server) need Node and have no browser build.
		entry: {
			'browser-build/index': 'src/index.ts',
			'browser-build/browser': 'src/browser.ts',
			'browser-build/journal': 'src/journal.ts',
			'browser-build/testing/msw': 'src/testing/msw.ts',
			'browser-build/agent': 'src/agent/index.ts',
		},
		format: ['esm'],
		platform: 'browser',
		sourcemap: true,
		target: 'es2022',
		treeshake: true,
		splitting: true,
		esbuildPlugins: [browserVariants],
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
