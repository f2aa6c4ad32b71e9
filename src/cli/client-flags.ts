import { dialects } from '../dialects/catalog.js';
import type { DialectName } from '../dialects/types.js';
import { usageError } from './cli-error.js';

/** Flags every journal-using command takes, in parseArgs form. */
export const JOURNAL_FLAGS = {
	journal: { type: 'string' },
	scope: { type: 'string' },
} as const;

export const DIALECT_NAMES = Object.keys(dialects) as DialectName[];

export const JOURNAL_HELP = `  --journal DIR         journal directory (default: $IDEMKEY_JOURNAL, else ./.idemkey)
  --scope NAME          journal namespace: account, workspace, tenant (default: default)`;

export const DIALECT_HELP = `  --dialect NAME        the server's idempotency dialect: ${DIALECT_NAMES.join(' | ')} (default: ietf)`;

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
