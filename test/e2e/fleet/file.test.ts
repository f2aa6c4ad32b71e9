import { describe, it } from 'vitest';
import { tempDir } from '../../journal/node/temp-dirs.js';
import { expectEveryOperationOnce } from './expectations.js';
import { figures, runFleet } from './fleet.js';

describe('4 workers sharing one FileJournal, killed and restarted at random', () => {
	it('end with one effect per operation, none lost, and never two attempts of one operation at once', async () => {
		const run = await runFleet({ kind: 'file', directory: tempDir('idemkey-fleet-') }, 11);
		console.log(figures('FileJournal', run));
		expectEveryOperationOnce(run);
	}, 150_000);
});
