import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export type PageServer = {
	/** Port on 127.0.0.1; any host name that resolves there is served the same pages. */
	readonly port: number;
	/** The page's URL on `host` (a secure context for `127.0.0.1` and `localhost`, not for other names). */
	url(page: string, query?: Record<string, string>, host?: string): string;
	close(): Promise<void>;
};

/**
Serves the HTML pages and scripts of `dir` and `scripts` (name to source) on 127.0.0.1, each page as it is on disk, with no
caching, so a reload loads it afresh. Anything else is a 404.
*/
export async function startPageServer(dir: string, scripts: Record<string, string>): Promise<PageServer> {
	const server = createServer((req, res) => {
		const name = new URL(req.url ?? '/', 'http://page').pathname.slice(1);
		const script = scripts[name];
		const send = (type: string, body: string) => {
			res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
			res.end(body);
		};
		if (script !== undefined) return send('text/javascript', script);
		const type = /^[\w-]+\.(html|js)$/.exec(name)?.[1];
		if (!type) return void res.writeHead(404).end();
		readFile(path.join(dir, name), 'utf8').then(
			(text) => send(type === 'js' ? 'text/javascript' : 'text/html', text),
			() => void res.writeHead(404).end(),
		);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		port,
		url: (page, query = {}, host = '127.0.0.1') =>
			`http://${host}:${port}/${page}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
