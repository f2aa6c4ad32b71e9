import { join } from 'node:path';
import { build } from 'esbuild';
import { tempDir } from './temp-dirs.js';

/**
Bundles a TypeScript script (with the sources it imports) into one ES module that a child process runs with plain
`node`: the sources import each other as `.js`, which Node's own type stripping cannot resolve.
*/
export async function bundleScript(entry: string): Promise<string> {
	const outfile = join(tempDir('idemkey-child-'), 'child.mjs');
	await build({
		entryPoints: [entry],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node22',
		logLevel: 'error',
		// Bundled CommonJS dependencies call require(): give the module one.
		banner: {
			js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
		},
	});
	return outfile;
}
