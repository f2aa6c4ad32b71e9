import { describe, expect, it } from 'vitest';
import { parseBody } from '../../src/utils/parse-body.js';

describe('parseBody', () => {
	it.each([
		{ what: 'an empty body', text: '', type: 'application/json', body: undefined },
		{ what: 'an empty body without a type', text: '', type: null, body: undefined },
		{ what: 'JSON', text: '{"id":"b1","seats":2}', type: 'application/json', body: { id: 'b1', seats: 2 } },
		{
			what: 'JSON with a charset',
			text: '[1,2]',
			type: 'application/json; charset=utf-8',
			body: [1, 2],
		},
		{
			what: 'problem+json',
			text: '{"type":"about:blank","status":409}',
			type: 'application/problem+json',
			body: { type: 'about:blank', status: 409 },
		},
		{ what: 'a JSON scalar under a JSON type', text: '42', type: 'application/json', body: 42 },
		{ what: 'JSON null under a JSON type', text: 'null', type: 'application/json', body: null },
		{ what: 'an object without a type', text: ' {"a":1}', type: null, body: { a: 1 } },
		{ what: 'an array under text/plain', text: '[1]', type: 'text/plain', body: [1] },
		{ what: 'a JSON string without a type', text: '"hi"', type: null, body: 'hi' },
		{ what: 'plain text', text: 'upstream failed', type: 'text/plain', body: 'upstream failed' },
		{ what: 'a number under text/plain, kept as text', text: '42', type: 'text/plain', body: '42' },
		{
			what: 'HTML claiming to be JSON',
			text: '<html>502</html>',
			type: 'application/json',
			body: '<html>502</html>',
		},
		{ what: 'truncated JSON', text: '{"id":', type: 'application/json', body: '{"id":' },
		{ what: 'a json-looking subtype name only', text: 'x', type: 'application/jsonp', body: 'x' },
	])('reads $what', ({ text, type, body }) => {
		expect(parseBody(text, type)).toEqual(body);
	});
});
