import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { browserVariants } from '../../scripts/browser-variants.js';

const root = path.resolve(import.meta.dirname, '../..');

/**
A page's view of `idb`, `ioredis`, `pg` and Node's built-ins: not installed. The browser entry points must build
without any of them (IndexedDBJournal runs on the platform's IndexedDB alone), so the bundle fails to build, naming
the import, if one creeps in.
*/
const notInstalled: Plugin = {
	name: 'not-installed',
	setup(b) {
		b.onResolve({ filter: /^(idb|ioredis|pg|node:.*)$/ }, ({ path: name, importer }) => ({
			errors: [{ text: `${name} is not installed in a browser page (imported by ${importer})` }],
		}));
	},
};

/**
`idemkey` and `idemkey/browser` bundled as a browser bundler resolves them (the `browser` export condition's
variants, see scripts/browser-variants.ts), from the sources, as one script that puts their exports on
`window.idemkey`: a plain page uses it with no module loader.
*/
export async function bundleForBrowser(): Promise<string> {
	const result = await build({
		stdin: {
			contents: "export * from './src/index.ts';\nexport * from './src/browser.ts';",
			resolveDir: root,
			sourcefile: '<page>',
			loader: 'ts',
		},
		plugins: [notInstalled, browserVariants],
		bundle: true,
		format: 'iife',
		globalName: 'idemkey',
		platform: 'browser',
		target: 'es2022',
		write: false,
		logLevel: 'silent',
	});
	return result.outputFiles[0]?.text ?? '';
}
