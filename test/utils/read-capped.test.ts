import { describe, expect, it } from 'vitest';
import { readCapped } from '../../src/utils/read-capped.js';

/** A response whose body comes in `chunks` with no content-length: what a server sending chunked JSON gives. */
const chunked = (chunks: number[][]) =>
	new Response(
		new ReadableStream<Uint8Array>({
			start(controller) {
				for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk));
				controller.close();
			},
		}),
	);

const bytes = (text: string) => [...new TextEncoder().encode(text)];
const euro = bytes('€'); // three bytes

describe('readCapped on a body of undeclared length', () => {
	it.each<[string, number[][], number, string | undefined]>([
		['reads it whole, across chunks', [bytes('{"a":'), bytes('1}')], 100, '{"a":1}'],
		[
			'joins a character split between chunks',
			[
				[...bytes('"'), ...euro.slice(0, 1)],
				[...euro.slice(1), 34],
			],
			100,
			'"€"',
		],
		[
			'drops a leading byte order mark, as text() does',
			[
				[0xef, 0xbb],
				[0xbf, ...bytes('{}')],
			],
			100,
			'{}',
		],
		['replaces bytes that are not UTF-8', [[0x7b, 0xff, 0x7d]], 100, '{\uFFFD}'],
		['replaces a character cut off at the end', [[...bytes('x'), ...euro.slice(0, 2)]], 100, 'x\uFFFD'],
		['reads a body of exactly the cap', [bytes('12345'), bytes('67890')], 10, '1234567890'],
		['gives up on a body past the cap', [bytes('12345'), bytes('678901')], 10, undefined],
		['reads an empty body as empty', [], 10, ''],
	])('%s', async (_, chunks, cap, expected) => {
		const response = chunked(chunks);
		const text = await readCapped(response, cap);
		expect(text).toBe(expected);
		// What the runtime's own text() reads, for every body within the cap.
		if (expected !== undefined) expect(await chunked(chunks).text()).toBe(expected);
	});
});
