// Where a client's CPU goes, and where idemkey's extra CPU over bare ky goes: each kind runs against the loopback
// server in fresh processes (rounds alternate the order) with only the measured window CPU-profiled, and every
// sampled µs is charged per request to its owner: the innermost frame of the stack that is idemkey's own code
// (mapped back to src/ through dist's source maps), a package or Node's own JavaScript (fetch is undici, inside
// Node), else the leaf (GC, the profiler's idle). So `JSON.stringify` called from canonicalJson counts for
// canonicalJson, the same call made by ky counts for ky, and fetch counts for fetch whoever wraps it.
//
//   npm run build && node bench/profile.ts [--kinds ky,memory] [--concurrency 1] [--rounds 3] [--duration 3000] [--top 20]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measure, startServer } from './children.ts';
import { kindNamed } from './clients.ts';
import { startStores } from './stores.ts';

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const { values: args } = parseArgs({
	options: {
		kinds: { type: 'string', default: 'ky,memory' },
		concurrency: { type: 'string', default: '1' },
		rounds: { type: 'string', default: '3' },
		warmup: { type: 'string', default: '1000' },
		duration: { type: 'string', default: '3000' },
		top: { type: 'string', default: '20' },
	},
});
const kinds = args.kinds.split(',');
const concurrency = Number(args.concurrency);
const top = Number(args.top);
const SRC = 'idemkey (src/)';

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

type Place = { where: string; area: string };

/** "withTimeout src/operation/send.ts:41", "ky", "node: fetch (undici)", ... for one profile frame. */
async function place(frame: CallFrame): Promise<Place> {
	const { url, functionName } = frame;
	const name = functionName || '(anonymous)';
	if (!url) return { where: name, area: name.startsWith('(') ? name : 'native (JSON, crypto, ...)' };
	if (url.startsWith('node:')) {
		const module = url.replace(/^node:(internal\/)?(deps\/)?/, '');
		return {
			where: `${name} ${url}`,
			area: module.startsWith('undici') ? 'node: fetch (undici)' : `node: ${module}`,
		};
	}
	const file = url.startsWith('file:') ? fileURLToPath(url) : url;
	const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
	if (pkg) return { where: `${name} ${pkg}`, area: pkg };
	const entry = (await sourceMapOf(file))?.findEntry(frame.lineNumber, frame.columnNumber);
	if (entry && 'originalSource' in entry) {
		const source = entry.originalSource.replace(/^.*?(src|node_modules)\//, '$1/');
		const area = source.startsWith('node_modules/') ? (source.split('/')[1] ?? 'bundled') : SRC;
		return { where: `${name} ${source}:${entry.originalLine + 1}`, area };
	}
	return { where: `${name} ${path.relative(process.cwd(), file)}:${frame.lineNumber + 1}`, area: 'other' };
}

const owns = (p: Place) => !/^(native|\()/.test(p.area);

/** µs per request: by owner (see the header), by area of the owner, and inclusive for idemkey's functions. */
type Tally = {
	ops: number;
	cpuMicros: number;
	owner: Map<string, number>;
	area: Map<string, number>;
	src: Map<string, number>;
};

const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);

async function tallyProfile(profile: Profile, tally: Tally): Promise<void> {
	const parent = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	const places = new Map<number, Place>();
	for (const node of profile.nodes) places.set(node.id, await place(node.callFrame));
	// Per leaf node: its owner and the idemkey functions on its stack (each once, however deep the recursion).
	const stacks = new Map<number, { owner: Place; src: Set<string>; profiler: boolean }>();
	const stackOf = (leaf: number) => {
		let known = stacks.get(leaf);
		if (known) return known;
		let owner: Place | undefined;
		const src = new Set<string>();
		let profiler = false;
		for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
			const p = places.get(id) as Place;
			if (!owner && owns(p)) owner = p;
			if (p.area === SRC) src.add(p.where);
			// Stopping the profiler (serialising the profile) is sampled too; it is no client's cost.
			if (p.where.endsWith('node:inspector')) profiler = true;
		}
		known = { owner: owner ?? (places.get(leaf) as Place), src, profiler };
		stacks.set(leaf, known);
		return known;
	};
	for (let i = 0; i < profile.samples.length; i++) {
		const id = profile.samples[i] as number;
		const delta = profile.timeDeltas[i] ?? 0;
		if (places.get(id)?.where === '(idle)') continue;
		const { owner, src, profiler } = stackOf(id);
		if (profiler) continue;
		add(tally.owner, owner.where, delta);
		add(tally.area, owner.area, delta);
		for (const where of src) add(tally.src, where, delta);
	}
}

const tallies = new Map<string, Tally>(
	kinds.map((k) => [k, { ops: 0, cpuMicros: 0, owner: new Map(), area: new Map(), src: new Map() }]),
);
const dir = await mkdtemp(path.join(os.tmpdir(), 'idemkey-profile-'));
const server = await startServer();
// The RedisJournal and PostgresJournal kinds need their server (`--kinds ky,postgres`).
const stores = await startStores(kinds, (line) => process.stderr.write(`${line}\n`));
const log = (line: string) => process.stderr.write(`${line}\n`);
try {
	for (let round = 0; round < Number(args.rounds); round++) {
		const order = round % 2 === 0 ? kinds : [...kinds].reverse();
		for (const kind of order) {
			const file = path.join(dir, `${kind}-${round}.cpuprofile`);
			const { measurement: m } = await measure(server, {
				kind,
				concurrency,
				warmupMs: Number(args.warmup),
				measureMs: Number(args.duration),
				profile: file,
			});
			if (m.errors > 0) throw new Error(`${kind}: ${m.errors} errors, first: ${m.firstError}`);
			const tally = tallies.get(kind) as Tally;
			tally.ops += m.ops;
			tally.cpuMicros += m.cpuMicros;
			await tallyProfile(JSON.parse(await readFile(file, 'utf8')) as Profile, tally);
			log(`round ${round + 1}: ${kind} ${Math.round((m.ops * 1000) / m.elapsedMs)} req/s (profiler on)`);
		}
	}
} finally {
	server.stop();
	await stores.stop();
	await rm(dir, { recursive: true, force: true });
}

const perOp = (tally: Tally, map: keyof Pick<Tally, 'owner' | 'area' | 'src'>, key: string) =>
	(tally[map].get(key) ?? 0) / tally.ops;
const total = (tally: Tally) => [...tally.area.values()].reduce((a, b) => a + b, 0) / tally.ops;
const us = (n: number) => n.toFixed(1).padStart(7);
const out = (line = '') => process.stdout.write(`${line}\n`);

out(
	`Concurrency ${concurrency}, ${args.rounds} rounds of ${args.duration} ms per kind, profiler on (100 µs sampling: slower than a bench run); load average ${os
		.loadavg()
		.map((n) => n.toFixed(2))
		.join(' / ')}`,
);
for (const [kind, tally] of tallies) {
	out(
		`${kindNamed(kind).label}: ${tally.ops} requests, CPU ${us(tally.cpuMicros / tally.ops)} µs/op, main thread sampled busy ${us(total(tally))} µs/op`,
	);
}

const [baseKind, ...others] = kinds;
const base = tallies.get(baseKind ?? '') as Tally;
for (const kind of others) {
	const tally = tallies.get(kind) as Tally;
	const extra = total(tally) - total(base);
	const share = (n: number) => `${((n / extra) * 100).toFixed(0).padStart(4)}%`;
	out(`\n${kindNamed(kind).label} over ${kindNamed(baseKind ?? '').label}: ${us(extra)} µs/op extra`);
	out('\nBy owner area (µs/op: base, this, extra, share of extra):');
	const areas = new Set([...base.area.keys(), ...tally.area.keys()]);
	const areaRows = [...areas].map((a) => [a, perOp(base, 'area', a), perOp(tally, 'area', a)] as const);
	// Node's own modules come in dozens of slivers: the ones under 1% of the extra either way go in one line.
	const small = (b: number, t: number) => Math.abs(t - b) < Math.abs(extra) / 100;
	let rest = [0, 0];
	for (const [area, b, t] of areaRows.sort((x, y) => y[2] - y[1] - (x[2] - x[1]))) {
		if (small(b, t)) rest = [(rest[0] ?? 0) + b, (rest[1] ?? 0) + t];
		else out(`${us(b)} ${us(t)} ${us(t - b)} ${share(t - b)}  ${area}`);
	}
	const [restBase = 0, restThis = 0] = rest;
	out(
		`${us(restBase)} ${us(restThis)} ${us(restThis - restBase)} ${share(restThis - restBase)}  (every other area)`,
	);
	out(`\nTop ${top} functions by extra µs/op (owner time: self plus the natives it calls):`);
	const wheres = new Set([...base.owner.keys(), ...tally.owner.keys()]);
	const rows = [...wheres].map((w) => [w, perOp(tally, 'owner', w) - perOp(base, 'owner', w)] as const);
	for (const [where, d] of rows.sort((x, y) => y[1] - x[1]).slice(0, top))
		out(`${us(d)} ${share(d)}  ${where}`);
	// Inclusive time holds what bare ky pays too (the fetch under idemkey's transport): a map, not the extra.
	out(`\nTop ${top} idemkey functions by inclusive µs/op (everything under them, fetch included):`);
	const inclusive = [...tally.src].sort((x, y) => y[1] - x[1]).slice(0, top);
	for (const [where, t] of inclusive) out(`${us(t / tally.ops)}  ${where}`);
}
