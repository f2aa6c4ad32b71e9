// The chaos run of DESIGN's fault model, shared by the files of this folder: each file takes some dialects so
// vitest runs them on separate workers.
import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../../src/index.js';
import { runChaos } from '../../../src/testing/index.js';

const OPERATIONS = 5_000;
// Every fault the emulator can draw; dialects that block duplicates have no in-progress answer to draw.
const FAULT_KINDS = [
	'drop-after-commit',
	'drop-before',
	'503-before',
	'503-after',
	'500',
	'429',
	'latency',
	'hold',
];

export function chaosSuite(dialects: DialectName[]): void {
	describe('chaos: thousands of operations from several callers against an emulator with every fault on', () => {
		it.each(dialects)(
			'%s: no operation applied twice, none lost, every call a result or a typed IdempotencyError',
			async (dialect) => {
				const report = await runChaos({ dialect, operations: OPERATIONS, callers: 4, seed: 2026 });
				const summary = JSON.stringify({ ...report, lostOperations: report.lostOperations.slice(0, 5) });
				expect(report.operations, summary).toBe(OPERATIONS);
				expect(report.duplicates, summary).toBe(0);
				expect(report.duplicateEffects, summary).toEqual([]);
				expect(report.lost, summary).toBe(0);
				// Every operation ended known-applied or was reported as maybe-applied; none vanished.
				expect(report.succeeded + report.unknown, summary).toBe(OPERATIONS);
				// Each operation that succeeded has exactly one effect; the unknown ones at most one.
				expect(report.effects, summary).toBeGreaterThanOrEqual(report.succeeded);
				expect(report.effects, summary).toBeLessThanOrEqual(OPERATIONS);
				// The run really was chaotic: every fault kind hit, reruns went through the journal, retries happened.
				for (const kind of FAULT_KINDS)
					expect(report.faults[kind] ?? 0, `${kind} ${summary}`).toBeGreaterThan(0);
				if (dialect === 'ietf' || dialect === 'stripe' || dialect === '42min') {
					expect(report.faults['in-progress'] ?? 0, summary).toBeGreaterThan(0);
				}
				expect(report.calls).toBeGreaterThan(OPERATIONS);
				expect(report.replays).toBeGreaterThan(0);
				expect(report.retries).toBeGreaterThan(0);
				expect(report.attempts).toBeGreaterThan(OPERATIONS);
				// Maybe-applied endings stay rare with these settings (Stripe replays its cached 5xx: those end unknown).
				expect(report.unknown, summary).toBeLessThan(OPERATIONS * 0.02);
			},
			120_000,
		);
	});
}
