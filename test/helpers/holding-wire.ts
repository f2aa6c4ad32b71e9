import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type HoldingWire = {
	/** Base URL to give the page instead of the server's: same path, another port. */
	readonly url: string;
	/** From now on, answers to requests (not CORS preflights) are held, once the server gave them, until `release()`. */
	hold(): void;
	/** Sends every held answer whose requester is still there, and stops holding. */
	release(): void;
	/** How many answers were held so far: each is a request the server has fully processed (its effect applied). */
	readonly held: number;
	close(): Promise<void>;
};

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

/**
A wire between the page and a server (the emulator) that can hold the server's answers back: the request has been
processed, the page has not heard. This is the moment a page is reloaded or closed "mid-flight" with a real effect
behind it, which a delay before processing cannot give (nothing has happened yet when the page goes).
*/
export async function startHoldingWire(
	target: string,
	options: { dropHeaders?: readonly string[] } = {},
): Promise<HoldingWire> {
	// Answer headers the wire leaves out, e.g. `access-control-expose-headers`: a server whose CORS hides its headers.
	const dropped = new Set([...HOP_BY_HOP, 'content-encoding', ...(options.dropHeaders ?? [])]);
	const upstream = new URL(target);
	let holding = false;
	let held = 0;
	const waiting: (() => void)[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const headers = Object.entries(req.headers).flatMap(([name, value]) =>
				HOP_BY_HOP.has(name) || value === undefined ? [] : [[name, String(value)] as [string, string]],
			);
			const method = req.method ?? 'GET';
			const body = chunks.length > 0 ? Buffer.concat(chunks) : null;
			fetch(new URL(req.url ?? '/', upstream.origin), { method, headers, body }).then(
				async (answer) => {
					const text = Buffer.from(await answer.arrayBuffer());
					if (holding && method !== 'OPTIONS') {
						held += 1;
						await new Promise<void>((resolve) => waiting.push(resolve));
					}
					send(res, answer, text, dropped);
				},
				// The server dropped the connection (a scripted fault): so does the wire.
				() => res.destroy(),
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const release = () => {
		holding = false;
		for (const resolve of waiting.splice(0)) resolve();
	};
	return {
		url: `http://127.0.0.1:${port}${upstream.pathname}`,
		hold: () => {
			holding = true;
		},
		release,
		get held() {
			return held;
		},
		close: () =>
			new Promise<void>((resolve) => {
				release();
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

function send(res: ServerResponse, answer: Response, body: Buffer, dropped: ReadonlySet<string>): void {
	if (res.destroyed) return;
	const headers: [string, string][] = [];
	answer.headers.forEach((value, name) => {
		if (!dropped.has(name)) headers.push([name, value]);
	});
	res.writeHead(answer.status, headers);
	res.end(body);
}
