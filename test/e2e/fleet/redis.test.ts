import { afterAll, beforeAll, describe, it } from 'vitest';
import { type RedisServer, startRedis } from '../../helpers/redis-server.js';
import { expectEveryOperationOnce } from './expectations.js';
import { figures, runFleet } from './fleet.js';

let server: RedisServer | undefined;
beforeAll(async () => {
	server = await startRedis();
}, 60_000);
afterAll(async () => {
	await server?.close();
});

describe('4 workers sharing one RedisJournal, killed and restarted at random', () => {
	it('end with one effect per operation, none lost, and never two attempts of one operation at once', async () => {
		const run = await runFleet({ kind: 'redis', url: (server as RedisServer).url }, 13);
		console.log(figures('RedisJournal', run));
		expectEveryOperationOnce(run);
	}, 150_000);
});
