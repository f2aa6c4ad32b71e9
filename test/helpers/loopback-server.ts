import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Received = {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: Buffer;
};

export type Handler = (req: Received, res: ServerResponse, index: number) => void | Promise<void>;

export type LoopbackServer = {
	url: string;
	received: Received[];
	close: () => Promise<void>;
};

/** A real HTTP server on 127.0.0.1 that records every request it gets, in order. */
export async function startServer(handler: Handler): Promise<LoopbackServer> {
	const received: Received[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const entry: Received = {
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				body: Buffer.concat(chunks),
			};
			received.push(entry);
			Promise.resolve(handler(entry, res, received.length - 1)).catch((error) => {
				res.destroy(error as Error);
			});
		});
	});
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/`,
		received,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	res.writeHead(status, { 'content-type': 'application/json', ...headers });
	res.end(JSON.stringify(body));
}
