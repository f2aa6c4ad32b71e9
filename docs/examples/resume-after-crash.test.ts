import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, OutcomeUnknownError } from 'idemkey';
import { FileJournal } from 'idemkey/node';
import { afterEach, expect, it } from 'vitest';
import { BASE_URL, mockApi } from './mock-api.js';
import { resumeOnStartup } from './resume-after-crash.js';

const serve = mockApi();
let directory = '';
afterEach(() => rm(directory, { recursive: true, force: true }));

it('resumes an operation a previous process left unknown, under the same key: one booking', async () => {
	directory = await mkdtemp(join(tmpdir(), 'idemkey-docs-'));
	const state = serve({ faults: ['drop-after-commit'] });
	const journal = new FileJournal({ directory });
	const before = createClient({ baseUrl: BASE_URL, dialect: 'bardge', journal, retry: { limit: 0 } });
	await expect(
		before.post('bookings', { json: { classId: 'c7' }, operation: 'book:c7' }),
	).rejects.toBeInstanceOf(OutcomeUnknownError);
	await journal.close();

	const [report, ...rest] = await resumeOnStartup(directory);
	expect(rest).toEqual([]);
	expect(report?.ok && report.result.replayed).toBe(true);
	expect(new Set(state.requests.map((r) => r.key)).size).toBe(1);
	expect(state.effectCount).toBe(1);
});
