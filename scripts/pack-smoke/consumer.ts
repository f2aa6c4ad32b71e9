// The consumer side of the pack smoke test: sources written into the scratch project, as a user would write them.

/**
`check.mjs` and `check.cjs`: one body, loaded with `import()` or `require()`. Each prints one JSON line: the export
names of every entry point, and whether a POST that fails once with 503 is retried with the same key and then
answered from the journal (this exercises uuid, which the CommonJS build carries bundled).
*/
export function consumerChecks(entries: string[]): Record<string, string> {
	const body = `
async function main() {
	const result = {};
	for (const entry of ${JSON.stringify(entries)}) {
		result[entry] = Object.keys(await load(entry)).filter((name) => name !== 'default').sort();
	}
	result.roundTrip = await roundTrip();
	console.log(JSON.stringify(result));
}

async function roundTrip() {
	const { createClient, MemoryJournal } = await load('idemkey');
	const http = await load('node:http');
	const seen = [];
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			seen.push(req.headers['idempotency-key']);
			if (seen.length === 1) {
				res.writeHead(503).end();
				return;
			}
			res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"b1"}');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const api = createClient({
			baseUrl: 'http://127.0.0.1:' + server.address().port + '/',
			journal: new MemoryJournal(),
			retry: { baseDelay: 10, maxDelay: 20 },
		});
		const call = () => api.post('bookings', { json: { classId: 'c7' }, operation: 'book:c7' });
		const first = await call();
		const again = await call();
		const detail = { status: first.status, data: first.data, attempts: first.attempts, key: first.key, seen, replayed: again.replayed };
		const ok =
			first.status === 201 &&
			first.data.id === 'b1' &&
			first.attempts === 2 &&
			/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(first.key) &&
			seen.length === 2 &&
			seen.every((key) => key === first.key) &&
			again.replayed === true;
		return { ok, detail: JSON.stringify(detail) };
	} catch (error) {
		return { ok: false, detail: String(error && error.stack) };
	} finally {
		server.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
`;
	return {
		'check.mjs': `const load = (id) => import(id);\n${body}`,
		'check.cjs': `const load = async (id) => require(id);\n${body}`,
	};
}

/**
One TypeScript consumer, compiled as .mts, .cts and .ts under each module setting. The `@ts-expect-error` lines make
it fail if the declarations degrade to `any` (an unresolvable import inside them would do that silently). `withPeers`
adds idemkey/browser and idemkey/testing/msw, whose declarations import the optional peer msw.
*/
export function consumerTypes(withPeers: boolean): string {
	const peers = withPeers
		? `import * as browserEntry from 'idemkey/browser';
import { dialectHandlers } from 'idemkey/testing/msw';

export const peers = [browserEntry, dialectHandlers] as const;
`
		: '';
	return `import {
	createClient,
	type IdemClient,
	type IdemResult,
	isKeyReuseError,
	type Journal,
	MemoryJournal,
} from 'idemkey';
// @ts-expect-error the retry engine stays internal: not exported from the root
import { planNext } from 'idemkey';
import { fingerprint, type JournalRecord, runJournalConformance as authorsConformance } from 'idemkey/journal';
import * as nodeEntry from 'idemkey/node';
import { createEmulator, runJournalConformance } from 'idemkey/testing';
${peers}
type Booking = { id: string };

const journal: Journal = new MemoryJournal();
const api: IdemClient = createClient({ baseUrl: 'https://api.example.com/v1/', dialect: 'stripe', journal });

export async function book(): Promise<string> {
	try {
		const res: IdemResult<Booking> = await api.post<Booking>('bookings', { json: { classId: 'c7' }, operation: 'book:c7' });
		const replayed: boolean | undefined = res.replayed;
		return res.data.id + res.key + String(replayed) + (await fingerprint({ method: 'POST', path: '/b' }));
	} catch (error) {
		if (isKeyReuseError(error)) return error.code;
		throw error;
	}
}

// @ts-expect-error an unknown dialect name is a type error
createClient({ dialect: 'no-such-dialect' });
// @ts-expect-error timeout is a number of ms
createClient({ timeout: '10s' });

export const node = nodeEntry;
export const testing = [createEmulator, runJournalConformance, authorsConformance, planNext] as const;
export const record = (value: JournalRecord): number => value.revision;
`;
}
