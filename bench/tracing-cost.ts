// `node bench/tracing-cost.ts` (after `npm run build`): what tracing costs an idemkey call, in one process, against
// the bench's loopback server. Two clients on the same MemoryJournal setup, one with `tracing: false`, the other traced
// by the real SDK as a service registers it (tracing-sdk.ts), take turns (alternate.ts). `--ratio 0.1` samples a
// tenth of the operations. Prints the medians of the per-round ratios as JSON; bench/tracing-floor.ts is the same
// measure for the SDK alone on bare ky.
//
//   node bench/tracing-cost.ts [--rounds 12] [--calls 3000] [--concurrency 32] [--ratio 1]
import { createClient, MemoryJournal } from '../dist/index.js';
import { alternate, alternateArgs } from './alternate.ts';
import { startServer } from './children.ts';
import { registerTracing } from './tracing-sdk.ts';

const args = alternateArgs();
const settings = {
	rounds: Number(args.rounds),
	calls: Number(args.calls),
	concurrency: Number(args.concurrency),
};
registerTracing(Number(args.ratio));

const server = await startServer();
const client = (tracing: boolean) => {
	const api = createClient({ baseUrl: server.baseUrl, journal: new MemoryJournal(), tracing });
	return (i: number) =>
		api.post('bookings', { json: { classId: `c${i % 500}`, clientId: `u${i}`, seats: 1 } });
};
try {
	const figures = await alternate({ off: client(false), on: client(true) }, settings);
	process.stdout.write(`${JSON.stringify({ ...settings, ratio: Number(args.ratio), ...figures })}\n`);
} finally {
	server.stop();
}
