import { describe, expectTypeOf, it } from 'vitest';
import type { EventBase, IdemEvent, IdempotencyError, IdemResult } from '../../src/index.js';

declare const res: IdemResult<{ id: string }>;
declare const event: IdemEvent;
declare const retry: Extract<IdemEvent, { type: 'retry' }>;

describe('IdemResult', () => {
	it('has exactly the documented fields, each of its type', () => {
		expectTypeOf<keyof IdemResult>().toEqualTypeOf<
			'data' | 'status' | 'headers' | 'key' | 'operation' | 'attempts' | 'replayed' | 'fromJournal'
		>();
		expectTypeOf(res.data).toEqualTypeOf<{ id: string }>();
		expectTypeOf(res.status).toEqualTypeOf<number>();
		expectTypeOf(res.headers).toEqualTypeOf<Headers>();
		// A read carries no key, so every caller must allow for its absence.
		expectTypeOf(res.key).toEqualTypeOf<string | undefined>();
		expectTypeOf(res.operation).toEqualTypeOf<string>();
		expectTypeOf(res.attempts).toEqualTypeOf<number>();
		// Three answers, not two: a server that gives no replay signal leaves it undefined.
		expectTypeOf(res.replayed).toEqualTypeOf<boolean | undefined>();
		expectTypeOf(res.fromJournal).toEqualTypeOf<boolean>();
	});

	it('is unknown data unless a schema or a type argument says otherwise', () => {
		expectTypeOf<IdemResult['data']>().toBeUnknown();
	});

	it('is read-only, as the frozen object it is at run time', () => {
		// @ts-expect-error readonly
		res.data = { id: 'x' };
		// @ts-expect-error readonly
		res.status = 200;
		// @ts-expect-error readonly
		res.headers = new Headers();
		// @ts-expect-error readonly
		res.key = 'k';
		// @ts-expect-error readonly
		res.operation = 'op';
		// @ts-expect-error readonly
		res.attempts = 2;
		// @ts-expect-error readonly
		res.replayed = true;
		// @ts-expect-error readonly
		res.fromJournal = true;
	});
});

describe('IdemEvent', () => {
	it('is one of six types, each with the common fields', () => {
		expectTypeOf(event.type).toEqualTypeOf<
			'attempt' | 'retry' | 'wait' | 'replay' | 'conflict' | 'give-up'
		>();
		expectTypeOf(event).toExtend<EventBase>();
		expectTypeOf(event.operation).toEqualTypeOf<string>();
		expectTypeOf(event.key).toEqualTypeOf<string | undefined>();
		expectTypeOf(event.attempt).toEqualTypeOf<number>();
	});

	it('narrows by type to the fields of that event', () => {
		switch (event.type) {
			case 'attempt':
				expectTypeOf(event).toEqualTypeOf<EventBase & { readonly type: 'attempt' }>();
				// @ts-expect-error only a retry waits
				void event.delayMs;
				break;
			case 'retry':
				expectTypeOf(event.reason).toEqualTypeOf<
					'network' | 'timeout' | 'server_error' | 'rate_limited' | 'not_sent' | 'in_progress'
				>();
				expectTypeOf(event.delayMs).toEqualTypeOf<number>();
				expectTypeOf(event.status).toEqualTypeOf<number | undefined>();
				break;
			case 'wait':
				expectTypeOf(event.reason).toEqualTypeOf<'offline'>();
				// @ts-expect-error an offline wait ends with the network, not after a planned delay
				void event.delayMs;
				break;
			case 'replay':
				expectTypeOf(event.source).toEqualTypeOf<'server' | 'journal'>();
				break;
			case 'conflict':
				expectTypeOf(event.source).toEqualTypeOf<'server' | 'journal'>();
				// @ts-expect-error a conflict is not a give-up: it carries no error
				void event.error;
				break;
			case 'give-up':
				expectTypeOf(event.error).toEqualTypeOf<IdempotencyError>();
				break;
			default:
				// Every type is handled above: a new event type breaks this line until it is.
				expectTypeOf(event).toBeNever();
		}
	});

	it('is read-only, as the frozen object onEvent receives', () => {
		// @ts-expect-error readonly
		event.attempt = 3;
		// @ts-expect-error readonly
		retry.delayMs = 0;
		// @ts-expect-error readonly (a type that changed would also change what the event means)
		retry.type = 'attempt';
	});
});
