import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFile(join(root, file), 'utf8');
const manifest = async (dir = '') =>
	JSON.parse(await read(join(dir, 'package.json'))) as {
		license?: string;
		engines?: { node?: string };
		dependencies?: Record<string, string>;
	};

/** The smallest Node major a `>=N` (or `^N.x || ...`) range admits. */
const minimumMajor = (range: string) =>
	Math.min(...[...range.matchAll(/(\d+)(?:\.\d+)*/g)].map((m) => Number(m[1])));

/** Every file `npm pack` puts in the tarball, as the npm page and a user's node_modules see it. */
let packed: Set<string>;
beforeAll(async () => {
	const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
	});
	const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { files: { path: string }[] }[];
	packed = new Set(info?.files.map((f) => f.path));
}, 60_000);

describe('what a new user sees first', () => {
	it('every README link works from the npm page: absolute, and a shipped file where it points into the package', async () => {
		const readme = await read('README.md');
		const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
		const prefix = 'https://unpkg.com/idemkey/';

		expect(links.length).toBeGreaterThan(5);
		expect(links.filter((link) => !/^(https:\/\/|#)/.test(link))).toEqual([]);
		const inPackage = links
			.filter((link) => link.startsWith(prefix))
			.map((link) => link.slice(prefix.length).split('#')[0]);
		expect(inPackage.length).toBeGreaterThan(5);
		expect(inPackage.filter((file) => !packed.has(file as string))).toEqual([]);
	});

	it('the package ships an MIT LICENSE, as package.json says', async () => {
		expect((await manifest()).license).toBe('MIT');
		expect(packed.has('LICENSE')).toBe(true);
		expect(await read('LICENSE')).toMatch(/^MIT License\n/);
	});

	it('one supported Node version: engines, README and docs agree, and every runtime dependency runs on it', async () => {
		const own = await manifest();
		const minimum = minimumMajor(own.engines?.node ?? '');
		const statement = `Node.js ${minimum} or later`;

		for (const dep of Object.keys(own.dependencies ?? {})) {
			const range = (await manifest(join('node_modules', dep))).engines?.node;
			if (range) expect(minimumMajor(range), `${dep} needs ${range}`).toBeLessThanOrEqual(minimum);
		}
		expect(await read('README.md')).toContain(statement);
		expect(await read('docs/getting-started.md')).toContain(statement);
		for (const file of ['README.md', 'docs/getting-started.md']) {
			const versions = [...(await read(file)).matchAll(/Node(?:\.js)? (\d+)\+? (?:or later|\+)?/g)];
			expect(
				versions.map((m) => Number(m[1])).filter((major) => major < minimum),
				file,
			).toEqual([]);
		}
	});
});
