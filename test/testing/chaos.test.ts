import { describe, expect, it } from 'vitest';
import type { ClientOptions, IdemResult } from '../../src/index.js';
import { type ChaosCaller, runChaos } from '../../src/testing/index.js';

const FEW = { operations: 150, concurrency: 8, seed: 5 } as const;

/** A client without idempotency: a fresh key on every attempt, retried on network errors and 5xx. */
function naiveCaller(options: ClientOptions): ChaosCaller {
	const request = async (method: string, path: string, call?: { json?: unknown }) => {
		for (let attempt = 1; ; attempt++) {
			try {
				const response = await fetch(new URL(path, String(options.baseUrl)), {
					method,
					headers: { 'idempotency-key': crypto.randomUUID(), 'content-type': 'application/json' },
					body: JSON.stringify(call?.json),
				});
				if (response.status < 500 || attempt >= 10) {
					return {
						status: response.status,
						data: await response.json().catch(() => null),
					} as IdemResult<never>;
				}
			} catch (error) {
				if (attempt >= 10) throw error;
			}
		}
	};
	return { request } as ChaosCaller;
}

describe('runChaos reports what went wrong', () => {
	it('counts the duplicates of a client that resends under a new key after a dropped answer', async () => {
		const report = await runChaos({
			dialect: 'bardge',
			...FEW,
			faults: { dropAfterCommit: 0.3 },
			createCaller: naiveCaller,
		});
		expect(report.duplicates).toBeGreaterThan(0);
		expect(report.duplicateEffects.length).toBeGreaterThan(0);
		expect(report.effects).toBe(report.operations + report.duplicates);
	});

	it('counts as lost a success the server never saw, and a call that ended in an untyped error', async () => {
		let n = 0;
		const liar = (): ChaosCaller => ({
			request: async () => {
				if (n++ % 2 === 0) throw new Error('boom');
				return {
					status: 201,
					data: null,
					replayed: false,
					fromJournal: false,
				} as unknown as IdemResult<never>;
			},
		});
		const report = await runChaos({ dialect: 'ietf', ...FEW, faults: {}, createCaller: liar });
		expect(report.lost).toBe(report.operations);
		expect(report.lostOperations.map((lost) => lost.why).join('\n')).toMatch(/untyped Error: boom/);
		expect(report.lostOperations.map((lost) => lost.why).join('\n')).toMatch(/server has no effect/);
		expect(report.effects).toBe(0);
	});

	it('runs clean with the SDK client and every fault on (a small run)', async () => {
		const report = await runChaos({ dialect: 'stripe', ...FEW });
		expect(report).toMatchObject({ operations: FEW.operations, duplicates: 0, lost: 0 });
		expect(report.succeeded + report.unknown).toBe(FEW.operations);
	});

	it('refuses a non-positive operation count with a RangeError', async () => {
		await expect(runChaos({ dialect: 'ietf', operations: 0 })).rejects.toThrow(/operations/);
	});
});
