// Where a client's CPU goes: runs one client kind against the loopback server under `node --cpu-prof` and prints
// the functions with the most self time, mapped back to src/ through dist's source maps, and totals per area.
//
//   npm run build && node bench/profile.ts [kind=memory] [concurrency=32] [--duration 5000] [--top 25]
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measure, startServer } from './children.ts';

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type Profile = { nodes: { id: number; callFrame: CallFrame }[]; samples: number[]; timeDeltas: number[] };

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: { duration: { type: 'string', default: '5000' }, top: { type: 'string', default: '25' } },
});
const [kind = 'memory', concurrency = '32'] = positionals;

const maps = new Map<string, SourceMap | undefined>();
async function sourceMapOf(file: string): Promise<SourceMap | undefined> {
	if (!maps.has(file)) {
		try {
			maps.set(file, new SourceMap(JSON.parse(await readFile(`${file}.map`, 'utf8'))));
		} catch {
			maps.set(file, undefined);
		}
	}
	return maps.get(file);
}

/** "src/operation/send.ts:41 sendOnce", "ky", "node internals", ... for one profile frame. */
async function place(frame: CallFrame): Promise<{ where: string; area: string }> {
	const { url, functionName } = frame;
	const name = functionName || '(anonymous)';
	if (!url) return { where: name, area: name.startsWith('(') ? name : 'native' };
	if (url.startsWith('node:'))
		return { where: `${name} ${url}`, area: 'node internals (http client, streams)' };
	const file = url.startsWith('file:') ? fileURLToPath(url) : url;
	const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
	if (pkg) return { where: `${name} ${pkg}`, area: pkg };
	const entry = (await sourceMapOf(file))?.findEntry(frame.lineNumber, frame.columnNumber);
	if (entry && 'originalSource' in entry) {
		const source = entry.originalSource.replace(/^.*?(src|node_modules)\//, '$1/');
		const area = source.startsWith('node_modules/') ? (source.split('/')[1] ?? 'bundled') : 'idemkey (src/)';
		return { where: `${name} ${source}:${entry.originalLine + 1}`, area };
	}
	return { where: `${name} ${path.relative(process.cwd(), file)}:${frame.lineNumber + 1}`, area: 'other' };
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'idemkey-profile-'));
const server = await startServer();
try {
	const { measurement } = await measure(server, {
		kind,
		concurrency: Number(concurrency),
		warmupMs: 1000,
		measureMs: Number(values.duration),
		execArgv: ['--cpu-prof', '--cpu-prof-dir', dir],
	});
	const [file] = await readdir(dir);
	if (!file) throw new Error('the client wrote no profile');
	const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Profile;
	const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
	const self = new Map<string, number>();
	const areas = new Map<string, number>();
	let total = 0;
	for (let i = 0; i < profile.samples.length; i++) {
		const frame = byId.get(profile.samples[i] ?? -1);
		const delta = profile.timeDeltas[i] ?? 0;
		if (!frame || frame.functionName === '(idle)') continue;
		const { where, area } = await place(frame);
		self.set(where, (self.get(where) ?? 0) + delta);
		areas.set(area, (areas.get(area) ?? 0) + delta);
		total += delta;
	}
	const pct = (n: number) => `${((n / total) * 100).toFixed(1).padStart(5)}%`;
	const rps = Math.round((measurement.ops * 1000) / measurement.elapsedMs);
	process.stdout.write(
		`${kind} at concurrency ${concurrency}: ${rps} req/s, ${Math.round(measurement.cpuMicros / measurement.ops)} µs CPU/op (profiler on: slower than a bench run)\n` +
			'Busy time (whole process life, start-up and warm-up included) by area:\n',
	);
	for (const [area, time] of [...areas].sort((a, b) => b[1] - a[1]))
		process.stdout.write(`${pct(time)}  ${area}\n`);
	process.stdout.write(`\nTop ${values.top} functions by self time:\n`);
	for (const [where, time] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
		process.stdout.write(`${pct(time)}  ${where}\n`);
	}
} finally {
	server.stop();
	await rm(dir, { recursive: true, force: true });
}
