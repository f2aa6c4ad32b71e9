/**
Renews an attempt's lease while it is on the wire, every third of the lease: two renewals can be lost (a slow journal,
a busy event loop) before the lease lapses and another client takes the operation over. Returns the stop.
*/
export function renewEvery(leaseMs: number, renew: () => Promise<void>): () => void {
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const next = () => {
		timer = setTimeout(() => {
			renew()
				.catch(() => {})
				.then(() => {
					if (!stopped) next();
				});
		}, leaseMs / 3);
		// Renewing is no reason to keep a process alive: the request it covers does that.
		(timer as { unref?: () => void }).unref?.();
	};
	next();
	return () => {
		stopped = true;
		clearTimeout(timer);
	};
}
