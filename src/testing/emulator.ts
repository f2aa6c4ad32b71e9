import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dialect, DialectName } from '../dialects/types.js';
import type { DialectState } from './dialect-state.js';
import type { ServerProfile } from './profiles/types.js';
import { normaliseBasePath } from './server/base-path.js';
import { createDialectServer, type DialectServer, type DialectServerOptions } from './server/core.js';
import { type CorsHeaders, corsHeaders } from './server/cors.js';
import { DROPPED } from './server/responses.js';
import { decodeState, encodeState } from './state-file.js';

export type EmulatorOptions = Omit<DialectServerOptions, 'now' | 'signal'> & {
	/** Which API's server to behave like: a built-in dialect name or a `Dialect` object. */
	dialect: DialectName | Dialect;
	/**
	The server's clock in epoch ms, used for key retention; inject one to move time past the dialect's retention.
	@default () => Date.now()
	*/
	clock?: () => number;
	/**
	TCP port; 0 picks a free one.
	@default 0
	*/
	port?: number;
	/**
	Interface to listen on. Keep it on loopback: the emulator is for tests.
	@default '127.0.0.1'
	*/
	host?: string;
	/**
	Answer CORS preflights and add CORS headers to every answer, so a page on another origin can call the emulator:
	any origin, the API's methods, the dialect's key (and scope) header and Content-Type allowed, its replay header and
	Retry-After exposed. No credentials (cookies) are allowed.
	@default false
	*/
	cors?: boolean;
	/**
	A file that keeps the server's state across restarts: bookings, stored keys and their answers, effect counts. Read
	when the emulator starts (when it exists) and rewritten, atomically, after every request that was processed,
	before the answer goes out. A restarted emulator then replays keys its predecessor stored, and
	`state.duplicates()` counts across restarts. Refused when it was written by another dialect's server, or with
	`state`.
	@default none: the state lives in memory only
	*/
	stateFile?: string;
};

/** A running emulator. */
export type Emulator = {
	/** Base URL of the booking API, ending with a slash, e.g. `http://127.0.0.1:54321/`. */
	readonly url: string;
	readonly port: number;
	readonly host: string;
	/** Requests seen, keys stored, bookings and effects applied: read it in assertions. */
	readonly state: DialectState;
	readonly profile: ServerProfile;
	/** Stops listening, drops open connections and cuts pending fault delays short. Safe to call twice. */
	close(): Promise<void>;
};

// Hop-by-hop and framing headers belong to this connection, not to the request the dialect server sees.
const SKIPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade']);

/**
Starts the dialect's server on a real `node:http` server (loopback, a free port by default): the same behaviour as
{@link dialectHandlers}, over real sockets, so a dropped answer is a destroyed connection.

@example
```ts
import { createClient } from 'idemkey';
import { createEmulator } from 'idemkey/testing';

const emulator = await createEmulator({
	dialect: 'bardge',
	faults: { dropAfterCommit: 0.1, unavailableBefore: 0.05, latency: { probability: 0.2, maxMs: 20 } },
	seed: 42,
});
const api = createClient({ baseUrl: emulator.url, dialect: 'bardge' });
await api.post('bookings', { json: { classId: 'c7', ref: 'order-1' } });
emulator.state.duplicates(); // []
await emulator.close();
```
*/
export async function createEmulator(options: EmulatorOptions): Promise<Emulator> {
	// Imported here, not at the top, so `idemkey/testing` still loads in a browser.
	const { createServer } = await import('node:http');
	const { dialect, clock, port = 0, host = '127.0.0.1', cors = false, stateFile, ...rest } = options;
	const basePath = normaliseBasePath(rest.basePath ?? '/');
	const closing = new AbortController();
	if (stateFile !== undefined && rest.state) {
		throw new TypeError('Give an emulator either `state` or `stateFile`, not both.');
	}
	const core = createDialectServer(dialect, {
		...rest,
		...(clock ? { now: clock } : {}),
		signal: closing.signal,
	});
	if (stateFile !== undefined) await loadState(stateFile, core);
	const transport: Transport = {
		cors: cors ? corsHeaders(core.profile) : undefined,
		save: stateFile === undefined ? undefined : await stateSaver(stateFile, core),
	};
	let origin = '';
	const server = createServer((req, res) => {
		void answer(core, transport, origin, req, res);
	});
	await listen(server, port, host);
	const bound = (server.address() as AddressInfo).port;
	origin = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
	let closed: Promise<void> | undefined;
	return {
		url: `${origin}${basePath}`,
		port: bound,
		host,
		state: core.state,
		profile: core.profile,
		close: () => {
			closed ??= new Promise<void>((resolve) => {
				closing.abort();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closed;
		},
	};
}

/** What the HTTP layer adds around the dialect server. */
type Transport = {
	readonly cors: CorsHeaders | undefined;
	/** Writes the state file; `undefined` when there is none. */
	readonly save: (() => void) | undefined;
};

/** Loads `file`, when it exists, into the server's fresh state (which the server made from the options). */
async function loadState(file: string, core: DialectServer): Promise<void> {
	const { readFile } = await import('node:fs/promises');
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
		throw error;
	}
	decodeState(text, file, core.profile.name, core.state);
}

/**
Saves the whole state synchronously, to a temporary file renamed over the state file: a restart (or a kill) finds the
old state or the new one, never half of one. Synchronous, so two answers finishing together cannot interleave
their writes. A test server's state is small; no fsync, as it must survive a process restart, not a power cut.
*/
async function stateSaver(file: string, core: DialectServer): Promise<() => void> {
	const { renameSync, writeFileSync } = await import('node:fs');
	const temporary = `${file}.${process.pid}.tmp`;
	const save = () => {
		writeFileSync(temporary, encodeState(core.state, core.profile.name));
		renameSync(temporary, file);
	};
	save(); // Fails now, at start, when the file cannot be written, rather than on the first request.
	return save;
}

function listen(server: Server, port: number, host: string): Promise<void> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
}

/** One request through the dialect server; never throws (a test server must not crash the test runner). */
async function answer(
	core: DialectServer,
	transport: Transport,
	origin: string,
	req: IncomingMessage,
	res: ServerResponse,
) {
	try {
		const { cors } = transport;
		if (cors && req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
			req.resume();
			res.writeHead(204, cors.preflight.flat());
			res.end();
			return;
		}
		const body = await readBody(req);
		const headers = new Headers();
		for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
			const name = req.rawHeaders[i] as string;
			if (!SKIPPED.has(name.toLowerCase())) headers.append(name, req.rawHeaders[i + 1] as string);
		}
		const method = req.method ?? 'GET';
		const outgoing = await core.answer({
			method,
			url: new URL(req.url ?? '/', origin),
			headers,
			body: method === 'GET' || method === 'HEAD' ? '' : body,
		});
		// Saved before the answer leaves: a client that saw an answer finds its key after a restart.
		transport.save?.();
		if (outgoing === DROPPED) {
			req.socket.destroy();
			return;
		}
		const bodyless = outgoing.body === '' || outgoing.status === 204 || outgoing.status === 304;
		res.writeHead(outgoing.status, [...outgoing.headers, ...(cors?.response ?? [])].flat());
		res.end(bodyless ? undefined : outgoing.body);
	} catch (error) {
		if (res.headersSent || res.destroyed) {
			res.destroy();
			return;
		}
		const message = error instanceof Error ? error.message : String(error);
		res.writeHead(500, [['content-type', 'application/json'], ...(transport.cors?.response ?? [])].flat());
		res.end(JSON.stringify({ error: { code: 'emulator_error', message } }));
	}
}

/** The body as UTF-8 text, as `Request.text()` would read it. */
function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}
