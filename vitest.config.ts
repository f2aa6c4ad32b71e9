import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts'],
		testTimeout: 20_000,
		hookTimeout: 20_000,
		restoreMocks: true,
		// The public types are behaviour too: `*.test-d.ts` files are compiled, not run, and a type error fails the run.
		typecheck: {
			enabled: true,
			include: ['test/types/**/*.test-d.ts'],
			tsconfig: 'test/types/tsconfig.json',
		},
	},
});
