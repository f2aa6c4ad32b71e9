/**
Renews an attempt's lease while it is on the wire, every third of the lease: two renewals can be lost (a slow journal,
a busy event loop) before the lease lapses and another client takes the operation over. `renew` answers whether the
lease is still this attempt's to renew: once another owner took it over (or the attempt ended) there is nothing left
to renew, and renewing on would only write over the new owner's record. A renewal that failed is tried again at the
next third. Returns the stop.
*/
export function renewEvery(leaseMs: number, renew: () => Promise<boolean>): () => void {
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const next = () => {
		timer = setTimeout(() => {
			renew().then(
				(ours) => {
					if (ours && !stopped) next();
				},
				() => {
					if (!stopped) next();
				},
			);
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
