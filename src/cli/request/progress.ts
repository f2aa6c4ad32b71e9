import type { IdemEvent } from '../../types/events.js';
import { type CliIo, say } from '../io.js';
import { printable } from '../printable.js';

// A new retry reason is a type error here until it has words.
const REASONS: Record<Extract<IdemEvent, { type: 'retry' }>['reason'], string> = {
	network: 'network error',
	timeout: 'timed out',
	server_error: 'server error',
	rate_limited: 'rate limited',
	in_progress: 'in progress',
	not_sent: 'not sent (no connection)',
};

const duration = (ms: number) => (ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`);

// The query string is left out: a progress line says where the request goes, not its parameters, which may carry
// personal data (credentials in a query are refused by the client, but an email or a name is not).
const target = (url: string) => {
	try {
		const { origin, pathname } = new URL(url);
		return `${origin}${pathname}`;
	} catch {
		return url.split('?')[0] ?? '';
	}
};

/** What an event means to someone watching the command; `undefined` for events the final status line covers. */
export function describeEvent(event: IdemEvent): string | undefined {
	switch (event.type) {
		case 'attempt':
			return `attempt ${event.attempt}: ${event.method} ${target(event.url)} key=${event.key ?? '-'}`;
		case 'retry': {
			const why =
				event.status === undefined ? REASONS[event.reason] : `${event.status} (${REASONS[event.reason]})`;
			return `attempt ${event.attempt}: ${why}; retrying in ${duration(event.delayMs)}`;
		}
		default:
			return undefined;
	}
}

/** Receives the client's events while a request runs, and is ended before the command prints its result. */
export type Progress = {
	readonly onEvent: ((event: IdemEvent) => void) | undefined;
	/** Clears the progress line, if one is showing. */
	end(): void;
};

const CLEAR_LINE = '\r\x1b[2K';

/**
How the command shows its retries on stderr: with `verbose`, one line per attempt and per wait; otherwise, when
stderr is a terminal, one line rewritten in place and cleared at the end; otherwise (a script, a log file) nothing,
so the output stays the body and one status line.
*/
export function progressReporter(io: CliIo, verbose: boolean): Progress {
	if (verbose) {
		return {
			onEvent: (event) => {
				const text = describeEvent(event);
				if (text) say(io.stderr, `idemkey: ${text}`);
			},
			end: () => {},
		};
	}
	if ((io.stderr as { isTTY?: boolean }).isTTY !== true) return { onEvent: undefined, end: () => {} };
	let showing = false;
	return {
		onEvent: (event) => {
			const text = describeEvent(event);
			if (!text) return;
			io.stderr.write(`${CLEAR_LINE}idemkey: ${printable(text)}`);
			showing = true;
		},
		end: () => {
			if (showing) io.stderr.write(CLEAR_LINE);
			showing = false;
		},
	};
}
