import { JournalError } from '../../errors/classes.js';
import { type JournalRecord, recordProblem } from '../record.js';

/** Redis's error prefixes that tell the user what to do, not only what happened. */
const ADVICE: Record<string, string> = {
	OOM: 'Redis is out of memory (maxmemory reached, and its eviction policy does not free any): raise maxmemory or free memory. The journal needs a policy that never evicts its keys (noeviction or volatile-*)',
	READONLY: 'the connection reaches a read-only replica: point the client at the primary',
	NOAUTH: 'Redis requires authentication: give the client a password',
	WRONGPASS: 'Redis refused the credentials: check the username and password the client uses',
	NOPERM: 'the Redis user may not run this: grant it +@read +@write +@scripting +time on the journal keys',
	WRONGTYPE:
		'a key of the journal holds a value of another type: another application writes under this prefix; choose another prefix or remove those keys',
	MISCONF: 'Redis cannot persist its data (a failed RDB or AOF write) and refuses writes: fix its disk',
	BUSY: 'a long-running script blocks Redis',
	LOADING: 'Redis is loading its data after a restart',
	CLUSTERDOWN: 'the cluster is down',
	TRYAGAIN: 'the cluster is moving the scope between nodes',
	MASTERDOWN: 'the replica lost its primary',
};

const message = (error: unknown): string => {
	const text = (error as { message?: unknown })?.message;
	return (typeof text === 'string' ? text : String(error)).replace(/\.$/, '');
};

/** The first word of a Redis error reply, which names its kind (`OOM`, `READONLY`, ...). */
const replyCode = (text: string): string | undefined => {
	// A script's error reads "ERR Error running script ...: WRONGTYPE ..." on older servers: the inner code says more.
	const codes = text.match(/\b[A-Z]{3,}\b/g) ?? [];
	return codes.find((code) => code in ADVICE);
};

/**
A failure of a Redis call as a `JournalError` that says what the journal was doing and why it failed. `what` reads
like `create the record of operation "o" in scope "s"`.
*/
export function redisFailure(what: string, error: unknown, operation?: string): JournalError {
	if (error instanceof JournalError) return error;
	const text = message(error);
	const code = replyCode(text);
	const reason = code ? `${code}: ${ADVICE[code]}` : text;
	return new JournalError(`RedisJournal could not ${what}: ${reason}.`, { cause: error, operation });
}

/**
A value read from Redis, checked to be the record of (scope, operation). Anything else (another application's value
under our key, a record of a future format, a string that is not JSON) is reported, naming the key, and left in
place: the journal never drops what it cannot read.
*/
export function checkedRecord(value: unknown, key: string, scope: string, operation: string): JournalRecord {
	let parsed: unknown;
	let why: string | undefined;
	if (typeof value !== 'string') why = 'the key does not hold a string';
	else {
		try {
			parsed = JSON.parse(value);
			why = recordProblem(parsed, { scope, operation });
		} catch {
			why = `it is not JSON (it starts ${JSON.stringify(value.slice(0, 20))})`;
		}
	}
	if (why !== undefined) {
		throw new JournalError(
			`RedisJournal found a value that is not a usable idemkey record at key "${key}" (${why}); remove or restore it to run operation "${operation}" again.`,
			{ operation },
		);
	}
	return parsed as JournalRecord;
}
