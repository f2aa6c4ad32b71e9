// Installs the package the way a user gets it (the `npm pack` tarball, from the registry's point of view) into a
// scratch project and uses every entry point from ESM, from CommonJS, from the `idemkey` command and from the
// TypeScript compiler. Catches what the repository's own tests cannot: a file left out of `files`, an export map
// pointing at nothing, a CJS build that needs require(esm), declarations that only resolve inside this repo.
//
// Run after `npm run build`: `npm run check:pack-smoke`. Needs the npm registry (for the tarball's dependencies).
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { consumerChecks, consumerTypes } from './pack-smoke/consumer.ts';

const repo = path.resolve(import.meta.dirname, '..');
type Manifest = {
	version: string;
	devDependencies: Record<string, string>;
	exports: Record<string, unknown>;
};
const manifest = JSON.parse(await readFile(path.join(repo, 'package.json'), 'utf8')) as Manifest;

// Every entry point the export map publishes, so that an entry added there is loaded here without a second list.
const ENTRIES = Object.keys(manifest.exports)
	.filter((subpath) => subpath !== './package.json')
	.map((subpath) => path.posix.join('idemkey', subpath));
// Entries whose CommonJS build must load without require(esm): all but those of the peer msw, which is itself
// published as ES modules only.
const CJS_WITHOUT_REQUIRE_ESM = ENTRIES.filter((entry) => entry !== 'idemkey/testing/msw');

const PEERS = ['msw'];

function run(command: string, args: string[], options: SpawnSyncOptions & { cwd: string }): string {
	const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000, ...options });
	if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
	if (result.status !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}\n${result.stdout}\n${result.stderr}`,
		);
	}
	return String(result.stdout);
}

const step = (what: string) => process.stdout.write(`pack-smoke: ${what}\n`);

async function pack(scratch: string): Promise<string> {
	if (!existsSync(path.join(repo, 'dist', 'index.js')))
		throw new Error('dist/ is missing: run `npm run build` first');
	const out = run('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: repo });
	const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
	if (!info) throw new Error(`npm pack printed no tarball: ${out}`);
	const stray = info.files
		.map((file) => file.path)
		.filter(
			(file) =>
				!/^(dist\/|docs\/[^/]+\.md$|docs\/(dialects|journals|recipes)\/[^/]+\.md$|docs\/examples\/[^/]+\.ts$|package\.json$|README|LICENSE)/i.test(
					file,
				),
		);
	if (stray.length > 0)
		throw new Error(`the tarball ships files outside dist/ and docs/: ${stray.join(', ')}`);
	step(`packed ${info.filename} (${info.files.length} files)`);
	return path.join(scratch, info.filename);
}

async function install(project: string, tarball: string): Promise<void> {
	await writeFile(
		path.join(project, 'package.json'),
		JSON.stringify({ name: 'idemkey-consumer', version: '1.0.0', private: true }, null, '\t'),
	);
	// The optional peers, so that idemkey/browser and idemkey/testing/msw load.
	const peers = PEERS.map((name) => `${name}@${manifest.devDependencies[name] ?? 'latest'}`);
	// Install scripts stay off: the consumer needs none of them, and bin links are made regardless.
	run(
		'npm',
		['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarball, ...peers],
		{
			cwd: project,
		},
	);
	step(`installed the tarball and ${peers.join(', ')} into a scratch project`);
}

/** Runs a consumer script that prints a JSON object on its last line and returns that object. */
function runConsumer(project: string, file: string, nodeFlags: string[] = []): Record<string, unknown> {
	const out = run(process.execPath, [...nodeFlags, file], { cwd: project });
	const last = out.trim().split('\n').at(-1) ?? '';
	return JSON.parse(last) as Record<string, unknown>;
}

async function checkRuntime(project: string): Promise<void> {
	for (const [file, source] of Object.entries(consumerChecks(ENTRIES))) {
		await writeFile(path.join(project, file), source);
	}
	const esm = runConsumer(project, 'check.mjs');
	const cjs = runConsumer(project, 'check.cjs');
	for (const entry of ENTRIES) {
		const a = JSON.stringify(esm[entry]);
		const b = JSON.stringify(cjs[entry]);
		if (a !== b) throw new Error(`${entry} exports differ between ESM (${a}) and CommonJS (${b})`);
	}
	for (const [label, result] of [
		['ESM', esm],
		['CommonJS', cjs],
	] as const) {
		const trip = result.roundTrip as { ok: boolean; detail: string };
		if (!trip.ok) throw new Error(`${label} round trip through a loopback server failed: ${trip.detail}`);
	}
	step(`ESM and CommonJS load ${ENTRIES.join(', ')} with the same exports; a retried POST works in both`);

	// What a CommonJS user on Node 22.0-22.11 (or under Jest's module loader) gets: no require() of ES modules.
	await writeFile(
		path.join(project, 'no-require-esm.cjs'),
		`for (const entry of ${JSON.stringify(CJS_WITHOUT_REQUIRE_ESM)}) require(entry);\nconsole.log('{}');\n`,
	);
	runConsumer(project, 'no-require-esm.cjs', ['--no-experimental-require-module']);
	step(`${CJS_WITHOUT_REQUIRE_ESM.join(', ')} load from CommonJS with require(esm) disabled`);
}

function checkBin(project: string): void {
	const bin = path.join(
		project,
		'node_modules',
		'.bin',
		process.platform === 'win32' ? 'idemkey.cmd' : 'idemkey',
	);
	const out = run(bin, ['--help'], { cwd: project, shell: process.platform === 'win32' });
	if (!/idemkey/i.test(out)) throw new Error(`\`idemkey --help\` printed no usage: ${out}`);
	step('`idemkey --help` runs from node_modules/.bin');
}

async function checkTypes(project: string): Promise<void> {
	const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
	const dir = path.join(project, 'types');
	await mkdir(dir);
	await writeFile(path.join(dir, 'consumer.mts'), consumerTypes(true));
	await writeFile(path.join(dir, 'consumer.ts'), consumerTypes(true));
	// CommonJS under node16 cannot see the ESM-only declarations of the peer msw (TS1479 is msw's, not ours), so
	// that file covers the entries without peers; nodenext (TypeScript >= 5.8) can, and covers them all.
	await writeFile(path.join(dir, 'consumer.cts'), consumerTypes(false));
	await writeFile(path.join(dir, 'consumer-peers.cts'), consumerTypes(true));
	const setups = [
		{ name: 'nodenext', module: 'nodenext', files: ['consumer.mts', 'consumer-peers.cts'] },
		{ name: 'node16', module: 'node16', files: ['consumer.mts', 'consumer.cts'] },
		{ name: 'bundler', module: 'esnext', moduleResolution: 'bundler', files: ['consumer.ts'] },
	];
	for (const setup of setups) {
		const config = path.join(dir, `tsconfig.${setup.name}.json`);
		await writeFile(
			config,
			JSON.stringify({
				compilerOptions: {
					target: 'es2022',
					module: setup.module,
					moduleResolution: setup.moduleResolution ?? setup.module,
					lib: ['es2023', 'dom'],
					strict: true,
					exactOptionalPropertyTypes: true,
					noEmit: true,
					// Our declarations are checked too: a broken import inside them must fail here, not turn into `any`.
					skipLibCheck: false,
					types: ['node'],
					typeRoots: [path.join(repo, 'node_modules', '@types')],
				},
				files: setup.files,
			}),
		);
		run(process.execPath, [tsc, '-p', config], { cwd: dir });
	}
	step(`a consumer type-checks against the published .d.ts (${setups.map((s) => s.name).join(', ')})`);
}

async function main(): Promise<void> {
	const scratch = await mkdtemp(path.join(tmpdir(), 'idemkey-pack-smoke-'));
	try {
		const tarball = await pack(scratch);
		const project = path.join(scratch, 'consumer');
		await mkdir(project);
		await install(project, tarball);
		await checkRuntime(project);
		checkBin(project);
		await checkTypes(project);
		step(`idemkey@${manifest.version} installs and works from its tarball`);
	} finally {
		await rm(scratch, { recursive: true, force: true });
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`pack-smoke: FAILED\n${error instanceof Error ? error.message : String(error)}\n`);
	process.exitCode = 1;
});
