import { canonicalJson } from '../../keys/canonical-json.js';
import type { KeyEntry, StoredResponse } from '../dialect-state.js';
import { json } from '../profiles/answers.js';
import { applyRoute, BODY_ACTIONS, parseObject } from './booking-api.js';
import { pause } from './pause.js';
import { isSuccess, type Outgoing, stored } from './responses.js';
import { matchRoute } from './routes.js';
import type { Incoming, Served, Work } from './served.js';
import { deliver, faultBefore } from './wire-faults.js';

const NO_ROUTE = json(404, { error: { code: 'no_route', message: 'The booking API has no such endpoint.' } });

/** Answers one request: routes and records it, applies its faults, then serves it with or without a key. */
export async function answerRequest(s: Served, request: Incoming): Promise<Outgoing> {
	const { profile, state } = s;
	const { url, headers, body: text } = request;
	const method = request.method.toUpperCase();
	const route = matchRoute(method, url.pathname, s.basePath);
	if (!route) return stored(NO_ROUTE);
	const path = url.pathname + url.search;
	const key = headers.get(profile.keyHeader);
	const { fault, latencyMs, holdMs } = state.nextFaults(profile.answers.inProgress !== undefined);
	state.requests.push({ method, path, key, body: text, headers, fault, latencyMs, holdMs });
	const parsed = text ? parseObject(text) : undefined;
	const ref = typeof parsed?.ref === 'string' ? parsed.ref : undefined;
	const keyed = profile.keyedMethods.includes(method) && !profile.keyless(method, url.pathname);
	const effect = `${method} ${path}`;
	const operation = ref ?? (keyed && key !== null ? key : effect);
	// Reads are no operation a client journals: two GETs of one booking at once are nothing to report.
	const ended =
		method === 'GET' || method === 'HEAD'
			? undefined
			: state.processing.begin(operation, state.requests.length - 1);
	try {
		await pause(latencyMs, s.signal);
		const early = faultBefore(profile, fault);
		if (early) return early;

		if (BODY_ACTIONS.has(route.action) && !parsed) return stored(profile.answers.invalidBody);
		const body = BODY_ACTIONS.has(route.action) ? (parsed ?? {}) : {};
		const work: Work = { method, path, text, route, body, ref, fault, holdMs };

		if (keyed && key !== null) {
			const scope = profile.scopeHeader ? (headers.get(profile.scopeHeader) ?? '') : '';
			return await answerUnderKey(s, work, key, scope);
		}
		if (keyed && profile.answers.missingKey) return stored(profile.answers.missingKey);
		const answer = await runBookingApi(s, work, { effect, logical: ref ?? effect });
		return deliver(profile, fault, answer, false);
	} finally {
		ended?.();
	}
}

/** A keyed request: replayed, refused or waited for when the key is known, processed under a claim when it is not. */
async function answerUnderKey(s: Served, work: Work, key: string, scope: string): Promise<Outgoing> {
	const { profile, state } = s;
	if (key.length === 0 || key.length > profile.keyMaxLength) return stored(profile.answers.invalidKey);
	const storageId = `${scope}\u0000${key}`;
	const text = profile.fingerprint === 'canonical-json' && work.text ? canonicalOrText(work.text) : work.text;
	const print = `${work.method} ${work.path}\n${text}`;

	const found = await claimOrAnswer(s, work, storageId, print);
	if (!('claimed' in found)) return found.answer;

	const entry = found.claimed;
	let response: StoredResponse | undefined;
	try {
		response = await runBookingApi(s, work, { effect: key, logical: work.ref ?? key });
	} finally {
		const keep = response !== undefined && (isSuccess(response.status) || profile.cachesErrors);
		if (keep) entry.response = response;
		else if (state.keys.get(storageId) === entry) state.keys.delete(storageId);
		entry.settle(keep ? response : undefined);
	}
	return deliver(profile, work.fault, response, false);
}

/**
The key claimed for this request when it is free; otherwise the answer a key already in use gives. The claim is taken
in the same turn as the look-up that found the key free: with an `await` between them, two duplicates arriving
together would both find it free and both be applied.
*/
async function claimOrAnswer(
	s: Served,
	work: Work,
	storageId: string,
	print: string,
): Promise<{ claimed: KeyEntry } | { answer: Outgoing }> {
	const { answers } = s.profile;
	for (;;) {
		const entry = s.state.entry(storageId, s.profile.retentionMs);
		if (!entry) return { claimed: s.state.claim(storageId, print) };
		if (entry.fingerprint !== print) return { answer: stored(answers.mismatch) };
		if (entry.response) return { answer: deliver(s.profile, work.fault, entry.response, true) };
		if (answers.inProgress) return { answer: stored(answers.inProgress) };
		// A blocking server: wait for the first request and answer with its response.
		const first = await entry.settled;
		if (first) return { answer: deliver(s.profile, work.fault, first, true) };
		// The first stored nothing (an error this server does not cache): the key is free again; look once more.
	}
}

/** Runs the booking API for one request: applies the effect and returns the answer. */
async function runBookingApi(s: Served, work: Work, ids: { effect: string; logical: string }) {
	const { answers } = s.profile;
	await pause(s.processingMs + work.holdMs, s.signal);
	if (work.fault === '500') return stored(answers.serverError);
	const { answer, effect } = applyRoute(s.state, answers, work.route, work.body);
	if (effect) s.state.recordEffect(ids.effect, ids.logical);
	// A gateway error after the effect: a server that caches errors stores it as the key's answer.
	if (work.fault === '503-after' && s.profile.cachesErrors) return stored(answers.unavailable);
	return stored(answer);
}

function canonicalOrText(text: string): string {
	try {
		return canonicalJson(JSON.parse(text));
	} catch {
		return text;
	}
}
