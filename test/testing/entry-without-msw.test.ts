import { spawn } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
let dir = '';

// msw is an optional peer: a user who never installed it gets "cannot find package" on any import of it.
const WITHOUT_MSW = `import { registerHooks } from 'node:module';
registerHooks({
	resolve(specifier, context, next) {
		if (specifier === 'msw' || specifier.startsWith('msw/')) {
			throw Object.assign(new Error("Cannot find package '" + specifier + "'"), { code: 'ERR_MODULE_NOT_FOUND' });
		}
		return next(specifier, context);
	},
});
`;

// What a user of the emulator writes: start it, send one keyed POST, close it, and let the process end by itself.
const consumer = (load: string) => `${load}
(async () => {
	const emulator = await createEmulator({ dialect: 'stripe' });
	const res = await fetch(emulator.url + 'bookings', {
		method: 'POST',
		headers: { 'idempotency-key': 'k1', 'content-type': 'application/json' },
		body: '{"classId":"c7"}',
	});
	await emulator.close();
	console.log(JSON.stringify({ status: res.status, effects: emulator.state.effectCount }));
})();
`;

/** Runs a file with msw unresolvable; resolves with exit code and output once the process ends on its own. */
function runWithoutMsw(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((done) => {
		const child = spawn(process.execPath, ['--import', './without-msw.mjs', file], { cwd: dir });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
		});
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		child.on('exit', (code) => done({ code, stdout, stderr }));
	});
}

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'idemkey-testing-entry-'));
	// The built entry imports its dependencies by name (as the published package does): let them resolve from here.
	await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
	// Bundled like tsup.config.ts does: our sources inlined, packages (msw among them) left as imports.
	for (const format of ['esm', 'cjs'] as const) {
		await build({
			entryPoints: [join(root, 'src/testing/index.ts')],
			outfile: join(dir, format === 'esm' ? 'testing.mjs' : 'testing.cjs'),
			bundle: true,
			format,
			platform: 'node',
			target: 'es2022',
			packages: 'external',
			logLevel: 'silent',
		});
	}
	await writeFile(join(dir, 'without-msw.mjs'), WITHOUT_MSW);
	await writeFile(join(dir, 'esm.mjs'), consumer(`import { createEmulator } from './testing.mjs';`));
	await writeFile(join(dir, 'cjs.cjs'), consumer(`const { createEmulator } = require('./testing.cjs');`));
	await writeFile(join(dir, 'msw-entry.mjs'), `await import('msw');`);
}, 60_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('idemkey/testing without msw installed', () => {
	it('the hook really hides msw (so the checks below mean something)', async () => {
		const run = await runWithoutMsw('msw-entry.mjs');
		expect(run.code).not.toBe(0);
		expect(run.stderr).toMatch(/Cannot find package 'msw'/);
	});

	it.each([
		['import', 'esm.mjs'],
		['require', 'cjs.cjs'],
	])('loads by %s, runs an emulator, and the process exits by itself', async (_, file) => {
		const run = await runWithoutMsw(file);

		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		expect(JSON.parse(run.stdout)).toEqual({ status: 201, effects: 1 });
	});
});
