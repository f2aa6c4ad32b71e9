/**
`work`, or the signal's reason the moment it aborts: code idemkey does not own (a tool function, an MCP client) may
ignore the signal it is given, and must not keep a caller waiting past it. A late end of `work` is swallowed: it has
nobody left to answer, and must not surface as an unhandled rejection.
*/
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
	if (!signal) return work;
	work.catch(() => {});
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(signal.reason);
		if (signal.aborted) return onAbort();
		signal.addEventListener('abort', onAbort, { once: true });
		work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
	});
}
