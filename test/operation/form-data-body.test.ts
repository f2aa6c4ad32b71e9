import { afterEach, describe, expect, it } from 'vitest';
import { createClient, MemoryJournal } from '../../src/index.js';
import { fingerprint } from '../../src/keys/fingerprint.js';
import { serialiseBody } from '../../src/operation/body.js';
import { chooseBoundary, containsBytes, encodeFormData } from '../../src/operation/form-data-body.js';
import { type LoopbackServer, sendJson, startServer } from '../helpers/loopback-server.js';

let server: LoopbackServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

/** A sign-up form with a text field, an upload and a second value under one name; built afresh on every call. */
function signUpForm(): FormData {
	const form = new FormData();
	form.append('name', 'Zoë "Z" Müller');
	form.append('note', 'line one\nline two');
	form.append('avatar', new File([new Uint8Array([0, 1, 2, 255, 13, 10])], 'me.png', { type: 'image/png' }));
	form.append('tag', 'a');
	form.append('tag', 'b');
	return form;
}

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

/** What a receiving server makes of the body: a real multipart parse (fetch's). */
async function parse(bytes: Uint8Array<ArrayBuffer>, contentType: string) {
	const form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
	return Promise.all(
		[...form].map(async ([name, value]) =>
			typeof value === 'string'
				? { name, value }
				: { name, file: value.name, type: value.type, bytes: [...new Uint8Array(await value.arrayBuffer())] },
		),
	);
}

describe('a FormData body', () => {
	it('is the same bytes, content type and fingerprint for two separately built equal forms', async () => {
		const one = await serialiseBody(undefined, signUpForm());
		const two = await serialiseBody(undefined, signUpForm());

		expect(one.contentType).toMatch(/^multipart\/form-data; boundary=idemkey-[0-9a-f]{32}$/);
		expect(two.contentType).toBe(one.contentType);
		expect(Buffer.from(two.bytes ?? []).equals(Buffer.from(one.bytes ?? []))).toBe(true);
		const print = (bytes: Uint8Array | undefined) => fingerprint({ method: 'POST', path: '/signup', bytes });
		expect(await print(two.bytes)).toBe(await print(one.bytes));
	});

	it.each([
		{ what: 'a text value', change: (f: FormData) => f.set('note', 'line one\nline 2') },
		{
			what: 'a file’s bytes',
			change: (f: FormData) =>
				f.set('avatar', new File([new Uint8Array([0])], 'me.png', { type: 'image/png' })),
		},
		{
			what: 'a file’s name',
			change: (f: FormData) =>
				f.set('avatar', new File([new Uint8Array([0, 1, 2, 255, 13, 10])], 'you.png', { type: 'image/png' })),
		},
		{
			what: 'a file’s type',
			change: (f: FormData) =>
				f.set('avatar', new File([new Uint8Array([0, 1, 2, 255, 13, 10])], 'me.png', { type: 'image/gif' })),
		},
		{ what: 'the entry order', change: (f: FormData) => f.append('name', String(f.get('name'))) },
		{ what: 'one more entry', change: (f: FormData) => f.append('tag', 'c') },
	])('is other bytes and another boundary when $what differs', async ({ change }) => {
		const form = signUpForm();
		change(form);
		const changed = await encodeFormData(form);
		const original = await encodeFormData(signUpForm());
		expect(changed.contentType).not.toBe(original.contentType);
		expect(Buffer.from(changed.bytes).equals(Buffer.from(original.bytes))).toBe(false);
	});

	it('is what fetch itself writes for the form, but for the boundary', async () => {
		const form = signUpForm();
		form.append('odd "name"\r\nwith\rbreaks\n', 'value\rwith\r\nbreaks\n');
		form.append('upload', new File(['x'], 'a "quoted"\nname\r.txt'));
		const ours = await encodeFormData(form);
		const fetchs = new Response(form);
		const theirBoundary = String(fetchs.headers.get('content-type')).split('boundary=')[1] as string;
		const ourBoundary = ours.contentType.split('boundary=')[1] as string;
		const theirs = Buffer.from(await fetchs.arrayBuffer())
			.toString('latin1')
			.replaceAll(theirBoundary, ourBoundary);
		expect(Buffer.from(ours.bytes).toString('latin1')).toBe(theirs);
	});

	it('escapes names and file names as browsers do, and writes a file’s default type', async () => {
		const form = new FormData();
		form.append('a"b\r\nc\rd\ne', 'one\rtwo\nthree\r\nfour');
		form.append('file', new File(['z'], 'x"y\r\nz.txt'));
		form.append('blob', new Blob(['b']));
		const body = text((await encodeFormData(form)).bytes);

		expect(body).toContain(
			'Content-Disposition: form-data; name="a%22b%0D%0Ac%0D%0Ad%0D%0Ae"\r\n\r\none\r\ntwo\r\nthree\r\nfour\r\n',
		);
		expect(body).toContain(
			'name="file"; filename="x%22y%0D%0Az.txt"\r\nContent-Type: application/octet-stream\r\n\r\nz\r\n',
		);
		// FormData names a Blob without a name "blob".
		expect(body).toContain('name="blob"; filename="blob"\r\n');
	});

	it('keeps a file without a name a file (filename=""), as browsers send it', async () => {
		const form = new FormData();
		form.append('upload', new File(['z'], ''));
		const { bytes, contentType } = await encodeFormData(form);
		expect(text(bytes)).toContain('name="upload"; filename=""\r\n');
		expect(await parse(bytes, contentType)).toEqual([
			{ name: 'upload', file: '', type: 'application/octet-stream', bytes: [122] },
		]);
	});

	it('encodes an empty form as just the closing delimiter', async () => {
		const { bytes, contentType } = await encodeFormData(new FormData());
		const boundary = contentType.split('boundary=')[1];
		expect(text(bytes)).toBe(`--${boundary}--\r\n`);
		expect(await parse(bytes, contentType)).toEqual([]);
	});

	it('is parsed by a loopback server into the same fields and file, with the same bytes from two clients', async () => {
		const seen: unknown[] = [];
		server = await startServer(async (req, res) => {
			seen.push(await parse(new Uint8Array(req.body), String(req.headers['content-type'])));
			sendJson(res, 201, { ok: true });
		});
		for (const operation of ['signup:1', 'signup:2']) {
			// Two clients, as two processes would be, each building its own form.
			const api = createClient({ baseUrl: server.url, journal: new MemoryJournal() });
			expect((await api.post('signup', { body: signUpForm(), operation })).status).toBe(201);
		}

		const expected = [
			{ name: 'name', value: 'Zoë "Z" Müller' },
			{ name: 'note', value: 'line one\r\nline two' },
			{ name: 'avatar', file: 'me.png', type: 'image/png', bytes: [0, 1, 2, 255, 13, 10] },
			{ name: 'tag', value: 'a' },
			{ name: 'tag', value: 'b' },
		];
		expect(seen).toEqual([expected, expected]);
		const [first, second] = server.received;
		expect(second?.headers['content-type']).toBe(first?.headers['content-type']);
		expect(second?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
	});

	it('is still parsed when the caller set a bare multipart/form-data content type (no boundary)', async () => {
		const seen: unknown[] = [];
		server = await startServer(async (req, res) => {
			seen.push(await parse(new Uint8Array(req.body), String(req.headers['content-type'])));
			sendJson(res, 201, { ok: true });
		});
		const api = createClient({ baseUrl: server.url, journal: new MemoryJournal() });
		const form = new FormData();
		form.append('name', 'Zoë');
		await api.post('signup', { body: form, headers: { 'content-type': 'multipart/form-data' } });
		expect(server.received[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=idemkey-/);
		expect(seen).toEqual([[{ name: 'name', value: 'Zoë' }]]);
	});
});

describe('chooseBoundary', () => {
	const digest = 'ab'.repeat(32);
	it.each([
		{
			what: 'the digest-based boundary when it occurs nowhere',
			taken: [],
			boundary: `idemkey-${'ab'.repeat(16)}`,
		},
		{
			what: 'the next candidate when the first occurs in a part',
			taken: [`idemkey-${'ab'.repeat(16)}`],
			boundary: `idemkey-${'ab'.repeat(16)}-1`,
		},
		{
			what: 'the first candidate that occurs nowhere',
			taken: [`idemkey-${'ab'.repeat(16)}`, `idemkey-${'ab'.repeat(16)}-1`, `idemkey-${'ab'.repeat(16)}-2`],
			boundary: `idemkey-${'ab'.repeat(16)}-3`,
		},
	])('picks $what', ({ taken, boundary }) => {
		expect(chooseBoundary(digest, (candidate) => taken.includes(candidate))).toBe(boundary);
	});

	it('is a valid multipart boundary (at most 70 characters, from the allowed set)', () => {
		expect(chooseBoundary(digest, () => false)).toMatch(/^[0-9A-Za-z'()+_,./:=?-]{1,70}$/);
	});
});

describe('containsBytes (does a candidate boundary occur in a part?)', () => {
	const bytes = (t: string) => new TextEncoder().encode(t);
	it.each([
		{ haystack: 'xx--idemkey-1xx', needle: 'idemkey-1', found: true },
		{ haystack: 'idemkey-1', needle: 'idemkey-1', found: true },
		{ haystack: 'iidemkey-1', needle: 'idemkey-1', found: true },
		{ haystack: 'idemkey-', needle: 'idemkey-1', found: false },
		{ haystack: 'idemkey-2 idemkey-', needle: 'idemkey-1', found: false },
		{ haystack: '', needle: 'i', found: false },
	])('finds $needle in "$haystack": $found', ({ haystack, needle, found }) => {
		expect(containsBytes(bytes(haystack), bytes(needle))).toBe(found);
	});
});
