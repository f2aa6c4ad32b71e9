/** "42s", "5m", "3h", "2d": how long ago something happened, at the grain a person reads a listing at. */
export function formatAge(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m`;
	if (s < 86_400) return `${Math.floor(s / 3600)}h`;
	return `${Math.floor(s / 86_400)}d`;
}

/**
"850ms", "1.2s", "42.5s", "5m": a wait or a gap between attempts. Backoff waits are milliseconds to seconds, so the
short end keeps its precision; past a minute the grain of {@link formatAge} is enough. A negative length (two
processes' clocks disagreeing) keeps its sign rather than reading as zero.
*/
export function formatDuration(ms: number): string {
	if (ms < 0) return `-${formatDuration(-ms)}`;
	if (ms < 1000) return `${Math.round(ms)}ms`;
	if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
	return formatAge(ms);
}

/** An epoch-ms instant as UTC ISO text: the same reading on every operator's machine, whatever its time zone. */
export const isoTime = (at: number): string =>
	Number.isFinite(at) ? new Date(at).toISOString() : String(at);

/** `2026-11-30T14:20:01.123Z (5m ago)` or `(in 3h)`: an instant and where it stands from `now`. */
export const whenText = (at: number, now: number): string =>
	`${isoTime(at)} (${at <= now ? `${formatAge(now - at)} ago` : `in ${formatAge(at - now)}`})`;
