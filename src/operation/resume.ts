import { InvalidRequestError, KeyExpiredError } from '../errors/classes.js';
import { isKeyExpiredError } from '../errors/guards.js';
import { freedByHand, turnOf } from '../journal/lease.js';
import { rekeyed } from '../journal/lifecycle.js';
import { isFinished, type JournalRecord } from '../journal/record.js';
import { mintKey } from '../keys/mint.js';
import { resolvePolicy } from '../retry/resolve.js';
import type { IdemHeadersInit } from '../types/options.js';
import type { ExpiredDecision, OnExpired, ResumeOptions } from '../types/recovery.js';
import type { IdemResult } from '../types/result.js';
import { abortable } from '../utils/abortable.js';
import { fromBase64 } from '../utils/base64.js';
import { mergeOver, withoutSecretHeaders } from '../utils/headers.js';
import { describe } from '../utils/input.js';
import { hasUserInfo, isHttpUrl } from '../utils/url.js';
import { settledByHand, writeByHand } from './by-hand.js';
import { concludeRecord } from './conclude.js';
import type { ClientContext, Subject } from './context.js';
import { giveUp, prepareCall, runOperation } from './execute.js';
import { callerBound, journalPort, readExisting } from './journal-io.js';
import type { PreparedRequest } from './prepare.js';
import { validated } from './validate.js';

/** The request exactly as it was first sent, rebuilt from the record: same key, same bytes, same fingerprint. */
function storedRequest(
	ctx: ClientContext,
	record: JournalRecord,
	extra: IdemHeadersInit | undefined,
): PreparedRequest {
	const snap = record.request;
	if (!snap || snap.bodyOmitted) {
		throw new InvalidRequestError(
			`Operation "${record.operation}" was journaled without its request${snap ? ' body (storeBodies: false)' : ''}: pass it as resume()'s options.request, checked against the stored fingerprint.`,
			{ field: 'request', operation: record.operation, key: record.key ?? undefined },
		);
	}
	const url = resumeUrl(ctx, record);
	// The client's headers carry the credentials (never journaled); the record adds what it kept, minus anything that
	// looks like a credential, so that a record written by an older version or another program cannot override them.
	const stored = withoutSecretHeaders(new Headers(snap.headers));
	const headers = mergeOver(ctx.headers, stored, extra);
	headers.delete(ctx.dialect.keyHeader);
	return {
		method: record.method,
		url: url.href,
		path: record.path,
		headers,
		body: snap.body === undefined ? undefined : (fromBase64(snap.body) as Uint8Array<ArrayBuffer>),
		journaled: true,
		keyed: record.key !== null,
		explicitKey: record.key ?? undefined,
		fingerprint: record.fingerprint,
	};
}

/**
Where a resume sends the journaled request. With a baseUrl, to the journaled path on the client's own origin: the
client's headers (its credentials) go to that origin only, and the fingerprint leaves the origin out, so a record
written against another host (a failover, a moved API) is the same operation there. Without one, to the journaled URL.
*/
function resumeUrl(ctx: ClientContext, record: JournalRecord): URL {
	let url: URL | undefined;
	let cause: unknown;
	try {
		url =
			ctx.baseUrl === undefined
				? new URL(record.request?.url ?? record.path)
				: new URL(record.path.replace(/^\/*/, '/'), ctx.baseUrl.origin);
	} catch (error) {
		cause = error;
	}
	if (!url || !isHttpUrl(url) || hasUserInfo(url) || (ctx.baseUrl && url.origin !== ctx.baseUrl.origin)) {
		throw new InvalidRequestError(
			`Operation "${record.operation}" was journaled with a URL that is not a valid plain http(s) URL; nothing was sent.`,
			{ field: 'url', operation: record.operation, key: record.key ?? undefined, cause },
		);
	}
	return url;
}

/** One resume: resend the journaled request (or the caller's, checked against the fingerprint) under its key. */
export async function resumeOperation<T>(
	ctx: ClientContext,
	operation: string,
	options: ResumeOptions<T>,
	clientOnExpired: OnExpired | undefined,
): Promise<IdemResult<T>> {
	const onExpired = options.onExpired ?? clientOnExpired;
	const port = journalPort(ctx, operation, callerBound(ctx, options));
	let record = await readExisting(port, ctx.scope);
	// The caller knows the operation's last owner is gone: set aside or held by a lease nobody will renew, it is freed
	// for this run, which then claims it (see freedByHand).
	if (options.force && !isFinished(record.state)) {
		const now = await port.now();
		// Held by a live lease, set aside, or about to be by the takeover this run would make: all refused unforced.
		const turn = turnOf(record, ctx.owner, now, ctx.maxInterruptedAttempts);
		if (turn === 'wait' || turn === 'aside' || turn === 'set-aside') {
			port.ids.key = record.key ?? undefined;
			record = freedByHand(record, ctx.now());
			await writeByHand(port, record);
		}
	}
	const send = async (record: JournalRecord): Promise<IdemResult<T>> => {
		const given = options.request;
		if (given) {
			// The run checks the caller's request against the stored fingerprint: a different request is a KeyReuseError.
			const { method, url, ...call } = given;
			const { request, run } = await prepareCall<T>(
				ctx,
				method ?? record.method,
				url ?? resumeUrl(ctx, record).href,
				{ ...call, ...pick(options), operation },
			);
			return runOperation(ctx, request, run);
		}
		return runOperation(ctx, storedRequest(ctx, record, options.headers), {
			operation,
			policy: resolvePolicy(ctx.policy, options.retry),
			timeout: options.timeout ?? ctx.timeout,
			signal: options.signal,
			schema: options.schema,
			named: record.path,
		});
	};
	try {
		return await send(record);
	} catch (error) {
		if (!isKeyExpiredError(error) || !onExpired) throw error;
		return reconcile(ctx, operation, error, onExpired, send, options);
	}
}

/** The resume's own call options, those it was given: they override the given request's. */
const pick = <T>(options: ResumeOptions<T>) =>
	Object.fromEntries(
		(['schema', 'signal', 'timeout', 'retry'] as const).flatMap((name) =>
			options[name] == null ? [] : [[name, options[name]]],
		),
	) as Pick<ResumeOptions<T>, 'schema' | 'signal' | 'timeout' | 'retry'>;

/** The key outlived the server's memory: the caller decides, having looked at the world (e.g. the booking). */
async function reconcile<T>(
	ctx: ClientContext,
	operation: string,
	expired: KeyExpiredError,
	onExpired: OnExpired,
	send: (record: JournalRecord) => Promise<IdemResult<T>>,
	options: ResumeOptions<T>,
): Promise<IdemResult<T>> {
	const record = await journalPort(ctx, operation, callerBound(ctx, options)).read(
		true,
		`read operation "${operation}"`,
	);
	if (!record) throw expired;
	if (isFinished(record.state)) return answered(ctx, record, options);
	let decision: ExpiredDecision;
	try {
		// The hook is the caller's own code, often a lookup on the server: the caller's signal still bounds the wait for
		// it (an abort rejects with its reason, and the record stays as it was), whether or not the hook ever settles.
		decision = await abortable(() => onExpired(Object.freeze({ ...record })), options.signal);
	} catch (error) {
		if (options.signal?.aborted && error === options.signal.reason) throw error;
		throw new KeyExpiredError(
			`${expired.message} The onExpired hook threw; the operation was left as it was.`,
			{
				key: expired.key,
				operation,
				expiredAt: expired.expiredAt,
				cause: error,
			},
		);
	}
	const now = ctx.now();
	const action = decision?.action;
	// The same transitions as client.abandon() and client.resolve(): an expired key abandoned keeps raising
	// KeyExpiredError on later runs.
	const next =
		action === 'resend'
			? rekeyed(record, mintKey(), now, ctx.dialect.retentionMs)
			: action === 'abandon'
				? settledByHand(record, { action, error: 'key_expired' }, now)
				: action === 'result'
					? settledByHand(record, { action: 'resolve', status: decision?.status, data: decision?.data }, now)
					: undefined;
	if (!next) {
		throw new InvalidRequestError(
			`onExpired must return { action: 'resend' | 'abandon' | 'result' }; got ${describeDecision(decision)}. The operation was left as it was.`,
			{ field: 'onExpired', operation, cause: expired },
		);
	}
	// The hook may have taken its time: the write gets a deadline of its own.
	const port = journalPort(ctx, operation, callerBound(ctx, options));
	port.ids.key = record.key ?? undefined;
	await writeByHand(port, next, expired);
	if (action === 'resend') return send(next);
	if (action === 'abandon') throw expired;
	return answered(ctx, next, options);
}

/**
A record finished meanwhile (by another runner, or by the hook's answer) answers the resume, checked against the
caller's schema. No replay event: this call's run already ended (KeyExpiredError, with its give-up event), and what
follows is the reconciliation's answer, not a rerun.
*/
async function answered<T>(
	ctx: ClientContext,
	record: JournalRecord,
	options: ResumeOptions<T>,
): Promise<IdemResult<T>> {
	const subject: Subject = {
		key: record.key ?? undefined,
		operation: record.operation,
		method: record.method,
		url: record.request?.url ?? record.path,
	};
	const { result, error } = concludeRecord(record, subject);
	if (!result) throw error;
	if (!options.schema) return result as IdemResult<T>;
	try {
		return await validated(result, options.schema);
	} catch (error) {
		giveUp(ctx, error, subject, 0);
		throw error;
	}
}

/** A hook's answer named in an error message: its action if it has one, else its type (it may not even serialise). */
const describeDecision = (decision: unknown): string => {
	const action = (decision as { action?: unknown } | null | undefined)?.action;
	return typeof action === 'string' ? `{ action: ${JSON.stringify(action)} }` : describe(decision);
};
