import type { Booking, DialectState } from '../dialect-state.js';
import type { ScriptedAnswer } from '../faults/types.js';
import { json } from '../profiles/answers.js';
import type { ProfileAnswers } from '../profiles/types.js';
import type { Route } from './routes.js';

/** Routes whose body must be a JSON object. */
export const BODY_ACTIONS: ReadonlySet<Route['action']> = new Set(['create', 'replace', 'update']);

/** The booking API itself, with no idempotency logic; `effect` says whether state changed. */
export function applyRoute(
	state: DialectState,
	answers: ProfileAnswers,
	route: Route,
	body: Record<string, unknown>,
): { answer: ScriptedAnswer; effect: boolean } {
	if (route.action === 'create') {
		const booking: Booking = { ...body, id: state.newBookingId(), status: 'confirmed' };
		state.bookings.set(booking.id, booking);
		return { answer: json(201, booking), effect: true };
	}
	const existing = state.bookings.get(route.id);
	if (!existing) return { answer: answers.notFound, effect: false };
	switch (route.action) {
		case 'read':
			return { answer: json(200, existing), effect: false };
		case 'cancel': {
			if (existing.status === 'cancelled') return { answer: answers.alreadyCancelled, effect: false };
			const cancelled: Booking = { ...existing, status: 'cancelled' };
			state.bookings.set(route.id, cancelled);
			return { answer: json(200, cancelled), effect: true };
		}
		case 'replace':
		case 'update': {
			const next: Booking = {
				...(route.action === 'update' ? existing : {}),
				...body,
				id: existing.id,
				status: existing.status,
			};
			state.bookings.set(route.id, next);
			return { answer: json(200, next), effect: true };
		}
		case 'delete':
			state.bookings.delete(route.id);
			return { answer: { status: 204 }, effect: true };
	}
}

/** The body as a JSON object, `undefined` when it is not one. */
export function parseObject(text: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return typeof value === 'object' && value !== null && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}
