import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, InvalidRequestError, MemoryJournal } from '../../src/index.js';

// A page on a non-secure origin (plain http://, not localhost): the browser keeps crypto.getRandomValues but leaves
// crypto.subtle out, and sets isSecureContext to false.
const insecurePage = () => {
	vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
	vi.stubGlobal('isSecureContext', false);
};

afterEach(() => {
	vi.unstubAllGlobals();
});

describe('createClient on an insecure origin', () => {
	it('throws an InvalidRequestError that names the secure-context requirement and the fix', () => {
		insecurePage();
		const create = () => createClient({ baseUrl: 'https://api.example.com/' });
		expect(create).toThrow(InvalidRequestError);
		let error: unknown;
		try {
			create();
		} catch (thrown) {
			error = thrown;
		}
		expect(error).toMatchObject({ code: 'invalid_request', field: 'crypto.subtle' });
		expect((error as Error).message).toMatch(/crypto\.subtle/);
		expect((error as Error).message).toMatch(/secure context/);
		expect((error as Error).message).toMatch(/https:\/\//);
	});

	it('refuses a runtime with no WebCrypto at all the same way', () => {
		vi.stubGlobal('crypto', undefined);
		expect(() => createClient()).toThrow(/crypto\.subtle/);
	});

	it('sends nothing: the error comes before any call can be made', async () => {
		const fetch = vi.fn(async () => Response.json({}));
		insecurePage();
		expect(() =>
			createClient({ baseUrl: 'https://api.example.com/', fetch, journal: new MemoryJournal() }),
		).toThrow(InvalidRequestError);
		expect(fetch).not.toHaveBeenCalled();
	});

	it('creates the client where WebCrypto is present (secure contexts, Node, workers)', async () => {
		const fetch = vi.fn(async () => Response.json({ ok: true }));
		const api = createClient({ baseUrl: 'https://api.example.com/', fetch });
		const res = await api.post('bookings', { json: { a: 1 } });
		expect(res.status).toBe(200);
		expect(fetch).toHaveBeenCalledTimes(1);
	});
});
