import { CHAOS_FAULTS } from '../../testing/chaos/defaults.js';
import type { DelayRate, FaultRates } from '../../testing/faults/types.js';
import { usageError } from '../cli-error.js';

// Spec names as a user would say them, mapped to the emulator's rate fields.
const RATES = {
	'drop-after-commit': 'dropAfterCommit',
	'drop-before': 'dropBefore',
	'503-before': 'unavailableBefore',
	'503-after': 'unavailableAfter',
	'500': 'serverError',
	'429': 'rateLimited',
	'in-progress': 'inProgress',
} as const satisfies Record<string, keyof FaultRates>;

const DELAYS = { latency: 'latency', hold: 'hold' } as const satisfies Record<string, keyof FaultRates>;

export const FAULTS_HELP = `  --faults SPEC         faults drawn per request, seeded: "chaos" (every kind at once), or a
                        comma list of KIND=RATE (RATE from 0 to 1) with KIND one of
                        ${Object.keys(RATES).join(', ')},
                        and latency=RATE:MAXMS or hold=RATE:MINMS-MAXMS for delays
                        (hold keeps the key busy: duplicates meet the in-progress answer).
                        Example: --faults drop-after-commit=0.1,503-before=0.05,latency=0.2:20`;

function rate(kind: string, text: string): number {
	const n = /^(0|1|0?\.\d+|1\.0*)$/.test(text) ? Number(text) : Number.NaN;
	if (Number.isNaN(n)) throw usageError(`--faults ${kind}=${text}: the rate must be a number from 0 to 1.`);
	return n;
}

function delay(kind: string, text: string): DelayRate {
	const match = /^([^:]+):(?:(\d+)-)?(\d+)$/.exec(text);
	if (!match)
		throw usageError(
			`--faults ${kind}=${text}: expected RATE:MAXMS or RATE:MINMS-MAXMS, as in ${kind}=0.2:20.`,
		);
	const probability = rate(kind, match[1] as string);
	const minMs = match[2] === undefined ? 0 : Number(match[2]);
	const maxMs = Number(match[3]);
	if (minMs > maxMs)
		throw usageError(`--faults ${kind}=${text}: the shortest delay is longer than the longest.`);
	return { probability, minMs, maxMs };
}

/** Parses `--faults`. The answer-changing rates may add up to at most 1: one such fault per request. */
export function parseFaults(spec: string): FaultRates {
	if (spec.trim() === 'chaos') return CHAOS_FAULTS;
	const rates: Record<string, number | DelayRate> = {};
	let total = 0;
	for (const part of spec
		.split(',')
		.map((p) => p.trim())
		.filter(Boolean)) {
		const eq = part.indexOf('=');
		const kind = eq === -1 ? part : part.slice(0, eq);
		const value = eq === -1 ? '' : part.slice(eq + 1);
		if (Object.hasOwn(RATES, kind)) {
			const n = rate(kind, value);
			rates[RATES[kind as keyof typeof RATES]] = n;
			total += n;
		} else if (Object.hasOwn(DELAYS, kind)) {
			rates[DELAYS[kind as keyof typeof DELAYS]] = delay(kind, value);
		} else {
			throw usageError(
				`--faults: unknown fault "${kind}". Use "chaos" or KIND=RATE with KIND one of ${[...Object.keys(RATES), ...Object.keys(DELAYS)].join(', ')}.`,
			);
		}
	}
	if (total > 1 + 1e-9) {
		throw usageError(
			`--faults: the rates add up to ${total}; at most one fault applies per request, so keep them <= 1.`,
		);
	}
	return rates as FaultRates;
}
