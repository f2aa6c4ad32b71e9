import { dialects } from '../dialects/catalog.js';
import type { DialectName } from '../dialects/types.js';
import type { ClientOptions } from '../types/options.js';
import { intFlag } from './args.js';
import { usageError } from './cli-error.js';
import { parseHeaders } from './request/headers.js';

/** Flags of every command that opens a journal, in parseArgs form. */
export const JOURNAL_FLAGS = {
	journal: { type: 'string' },
	scope: { type: 'string' },
} as const;

export const JOURNAL_HELP = `  --journal DIR         journal directory (default: $IDEMKEY_JOURNAL, else ./.idemkey)
  --scope NAME          journal namespace: account, workspace, tenant (default: default)`;

/** `--max-time`: the one deadline of a command, the library's `retry.maxRetryTime` (what errors call it is rewritten). */
export const MAX_TIME_FLAG = { 'max-time': { type: 'string' } } as const;

/** For the commands that only wait for the journal (another process may hold its lock). */
export const MAX_TIME_HELP = `  --max-time MS         how long to wait for the journal, say while another process
                        holds its lock (default: 30000)`;

/** `--max-time MS` as `retry` options; none when the flag is absent. */
export function maxTimeFlag(value: string | undefined): { retry?: { maxRetryTime: number } } {
	const maxTime = intFlag('max-time', value, 1, 2_147_483_647);
	return maxTime === undefined ? {} : { retry: { maxRetryTime: maxTime } };
}

/** Flags of the commands that send requests. */
export const SEND_FLAGS = {
	dialect: { type: 'string' },
	header: { type: 'string', short: 'H', multiple: true },
	timeout: { type: 'string' },
	retries: { type: 'string' },
	...MAX_TIME_FLAG,
} as const;

export const DIALECT_NAMES = Object.keys(dialects) as DialectName[];

export const SEND_HELP = `  --dialect NAME        the server's idempotency dialect: ${DIALECT_NAMES.join(' | ')}
                        (default: ietf)
  -H, --header 'K: V'   request header, repeatable; Authorization, Cookie and API-key headers
                        are sent but never written to the journal
  --timeout MS          per-attempt timeout (default: 10000)
  --retries N           retries after the first attempt on network errors, timeouts, 5xx, 429
                        (default: 5)
  --max-time MS         one deadline for all attempts and waits (default: 30000)`;

export function dialectFlag(value: string | undefined): DialectName {
	if (value === undefined) return 'ietf';
	if (!(DIALECT_NAMES as string[]).includes(value)) {
		throw usageError(`Unknown dialect "${value}". Use one of ${DIALECT_NAMES.join(', ')}.`);
	}
	return value as DialectName;
}

export function scopeFlag(value: string | undefined): string {
	if (value === undefined) return 'default';
	if (value.length === 0 || value.length > 200) throw usageError('--scope must be 1 to 200 characters.');
	return value;
}

type SendValues = {
	dialect?: string | undefined;
	header?: string[] | undefined;
	timeout?: string | undefined;
	retries?: string | undefined;
	'max-time'?: string | undefined;
};

/** Client options from the send flags (validated: a bad value is a usage error before anything is opened). */
export function sendOptions(values: SendValues): ClientOptions {
	const limit = intFlag('retries', values.retries, 0, 100);
	const retry: NonNullable<ClientOptions['retry']> = {
		...(limit === undefined ? {} : { limit }),
		...maxTimeFlag(values['max-time']).retry,
	};
	const timeout = intFlag('timeout', values.timeout, 1, 2_147_483_647);
	return {
		dialect: dialectFlag(values.dialect),
		headers: parseHeaders(values.header ?? []),
		retry,
		...(timeout === undefined ? {} : { timeout }),
	};
}
