import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';

/*
The build a browser bundler gets (package.json's `browser` export condition): a module of src/ with a
`<name>.browser.ts` beside it is replaced by that file, which leaves out what only Node can do. The browser file keeps
the module's exports and meaning; only what a browser's fetch never exposes is gone (the socket errors of Node's
net/tls and undici, say). tsup's browser build, `npm run size` and the test of the browser build all resolve through
this one plugin, so what is measured and tested is what is published.
*/
export const browserVariants: Plugin = {
	name: 'idemkey-browser-variants',
	setup(build) {
		build.onResolve({ filter: /^\.\.?\/.*\.js$/ }, ({ path: specifier, resolveDir, importer }) => {
			if (!importer.split(path.sep).includes('src')) return undefined;
			const variant = path.join(resolveDir, specifier.replace(/\.js$/, '.browser.ts'));
			// A variant may re-export what it keeps of the module it replaces: that import is the module itself.
			return variant !== importer && existsSync(variant) ? { path: variant } : undefined;
		});
	},
};
