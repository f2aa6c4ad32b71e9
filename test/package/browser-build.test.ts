import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Options } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserVariants } from '../../scripts/browser-variants.js';
import type * as Root from '../../src/index.js';
import tsupConfig from '../../tsup.config.js';

/*
The build a browser bundler gets through the `browser` export condition: the sources with their `.browser.ts`
variants, bundled here the way tsup's browser build bundles them (esbuild, platform browser, the same plugin), then
loaded and run.
*/

const root = resolve(import.meta.dirname, '../..');
let dir: string;
let browserBuild: typeof Root;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'idemkey-browser-build-'));
	const outfile = join(dir, 'index.mjs');
	await build({
		entryPoints: [join(root, 'src/index.ts')],
		outfile,
		bundle: true,
		format: 'esm',
		platform: 'browser',
		target: 'es2022',
		plugins: [browserVariants],
		// Dependencies stay imports, as in the published build; only deriveKey's uuid is one, and Node resolves it.
		packages: 'external',
		logLevel: 'error',
	});
	// The bundle lives in a temporary directory, out of reach of the repository's node_modules: its one import (uuid,
	// for deriveKey) is pointed at them.
	const code = (await readFile(outfile, 'utf8')).replaceAll(
		/from ["']uuid["']/g,
		`from ${JSON.stringify(pathToFileURL(join(root, 'node_modules/uuid/dist/index.js')).href)}`,
	);
	await writeFile(outfile, code);
	browserBuild = (await import(pathToFileURL(outfile).href)) as typeof Root;
});

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

/** fetch's failure as undici raises it when the connection is refused: a cause chain naming the socket's error. */
const refused = () =>
	new TypeError('fetch failed', {
		cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
			code: 'ECONNREFUSED',
			syscall: 'connect',
		}),
	});

describe('the browser build', () => {
	it('journals and sends a write, and answers with the result', async () => {
		const journal = new browserBuild.MemoryJournal();
		const sent: string[] = [];
		const api = browserBuild.createClient({
			baseUrl: 'https://api.example.com/v1/',
			journal,
			fetch: async (url, init) => {
				sent.push(`${init?.method} ${url} ${new Headers(init?.headers).get('idempotency-key')}`);
				return Response.json({ id: 'b1' }, { status: 201 });
			},
		});

		const res = await api.post('bookings', { json: { room: 7 }, operation: 'book-7' });

		expect(res).toMatchObject({ status: 201, data: { id: 'b1' }, operation: 'book-7' });
		expect(sent).toEqual([`POST https://api.example.com/v1/bookings ${res.key}`]);
		expect(await journal.get('default', 'book-7')).toMatchObject({ state: 'succeeded', key: res.key });
	});

	// In a browser every fetch failure is one opaque TypeError, so none proves that nothing left: the Node build's
	// reading of undici's socket errors is left out, and a refused connection is "may have been applied".
	it('never reads a failure as "not sent"', async () => {
		const api = browserBuild.createClient({
			baseUrl: 'https://api.example.com/',
			retry: { limit: 0 },
			fetch: async () => {
				throw refused();
			},
		});

		const error = await api.post('bookings', { json: {} }).catch((e: unknown) => e);

		expect(browserBuild.isOutcomeUnknownError(error)).toBe(true);
		expect(error).toMatchObject({ reason: 'network', attempts: 1 });
	});

	it('differs from the Node build there, and only there: the Node build reads the same failure as not sent', async () => {
		const { createClient, isNotSentError } = await import('../../src/index.js');
		const api = createClient({
			baseUrl: 'https://api.example.com/',
			retry: { limit: 0 },
			fetch: async () => {
				throw refused();
			},
		});

		expect(isNotSentError(await api.post('bookings', { json: {} }).catch((e: unknown) => e))).toBe(true);
	});
});

describe('the browser variants', () => {
	it('each export what the module it replaces exports, so the browser build is the same API', async () => {
		const variants = (await readdir(join(root, 'src'), { recursive: true }))
			.filter((file) => file.endsWith('.browser.ts'))
			.sort();

		expect(variants).toEqual([
			'keys/canonical-json.browser.ts',
			'operation/not-sent.browser.ts',
			'tracing/trace.browser.ts',
			'utils/sha256.browser.ts',
		]);
		for (const variant of variants) {
			const node = await import(join(root, 'src', variant.replace('.browser.ts', '.ts')));
			const browser = await import(join(root, 'src', variant));
			expect(Object.keys(browser).sort(), variant).toEqual(Object.keys(node).sort());
		}
	});

	it('hash as the Node build does (WebCrypto only, without node:crypto)', async () => {
		const node = await import('../../src/utils/sha256.js');
		const browser = await import('../../src/utils/sha256.browser.js');
		const texts = ['', 'POST /bookings\n{"a":1}', 'é€😀\u0000', 'x'.repeat(100_000)];

		for (const text of texts) {
			const bytes = new TextEncoder().encode(text);
			expect(await browser.sha256HexOfText(text)).toBe(await node.sha256HexOfText(text));
			expect(await browser.sha256Hex(bytes)).toBe(await node.sha256Hex(bytes));
		}
		expect(browser.hex(new Uint8Array([0, 15, 255]).buffer)).toBe('000fff');
	});
});

describe('the browser export condition', () => {
	type Conditions = { browser?: { types: string; default: string }; import: { types: string } };
	const exportsOf = async () =>
		(JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> })
			.exports;

	it('comes first wherever it is given, and points into the browser build with the same types as the import', async () => {
		const exports = await exportsOf();
		const browserEntries = Object.entries(exports).filter(
			(entry): entry is [string, Conditions] =>
				typeof entry[1] === 'object' && entry[1] !== null && 'browser' in entry[1],
		);
		// tsup.config.ts exports its list of builds.
		const builds = tsupConfig as Options[];
		const built = Object.keys(builds.find((config) => config.platform === 'browser')?.entry ?? {});

		// Every entry a page can load, so that they share one copy of the error classes; never Node's own.
		expect(browserEntries.map(([subpath]) => subpath).sort()).toEqual(
			['.', './agent', './browser', './journal', './testing/msw'].sort(),
		);
		for (const [, conditions] of browserEntries) {
			expect(Object.keys(conditions)[0]).toBe('browser');
			expect(conditions.browser?.types).toBe(conditions.import.types);
			const target = conditions.browser?.default.match(/^\.\/dist\/(browser-build\/.+)\.js$/)?.[1];
			expect(built).toContain(target);
		}
	});
});
