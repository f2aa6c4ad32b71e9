// Runs the documentation's examples against mock servers: npx vitest run --config docs/examples/vitest.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (file: string) => fileURLToPath(new URL(`../../src/${file}`, import.meta.url));

export default defineConfig({
	root: fileURLToPath(new URL('.', import.meta.url)),
	// Vite's cache would otherwise land in docs/examples/node_modules; keep it with the project's.
	cacheDir: fileURLToPath(new URL('../../node_modules/.vite', import.meta.url)),
	resolve: {
		alias: [
			{ find: /^idemkey$/, replacement: src('index.ts') },
			{ find: /^idemkey\/node$/, replacement: src('node.ts') },
			{ find: /^idemkey\/browser$/, replacement: src('browser.ts') },
			{ find: /^idemkey\/journal$/, replacement: src('journal.ts') },
			{ find: /^idemkey\/testing$/, replacement: src('testing/index.ts') },
			{ find: /^idemkey\/testing\/msw$/, replacement: src('testing/msw.ts') },
			{ find: /^idemkey\/agent$/, replacement: src('agent/index.ts') },
		],
	},
	test: {
		include: ['*.test.ts'],
		testTimeout: 20_000,
		restoreMocks: true,
		silent: 'passed-only',
	},
});
