import type { Journal } from '../../journal/journal.js';
import { type JournalRecord, recordProblem } from '../../journal/record.js';
import type { ConformanceAssertion, ConformanceTestApi } from './api.js';
import type { MakeRecord } from './records.js';

/** What every case is handed: a journal of its own, a scope no other case writes, and the suite's checks. */
export type CaseContext = {
	readonly journal: Journal;
	readonly scope: string;
	readonly expect: ConformanceTestApi['expect'];
	/** Concurrent calls in the create race (`ConformanceOptions.raceSize`). */
	readonly raceSize: number;
	readonly fixture: MakeRecord;
	/** Creates a new operation and asserts the journal hands the record back as written. */
	readonly created: (journal: Journal, record: JournalRecord) => Promise<JournalRecord>;
	/** A compare-and-set the case expects to be accepted; `what` names the step in a failure. */
	readonly cas: (journal: Journal, next: JournalRecord, what: string) => Promise<JournalRecord>;
	/** A usable record, with every time and counter an integer number near now (epoch ms, not seconds or strings). */
	readonly expectWellFormed: (record: JournalRecord | undefined, where: string) => void;
};

export type ConformanceCase = {
	/** The test's name; a function when it names a setting (the race size). */
	readonly title: string | ((context: { raceSize: number }) => string);
	readonly run: (context: CaseContext) => Promise<void>;
};

/** One `describe` block: the cases of one part of the contract. */
export type CaseGroup = { readonly name: string; readonly cases: readonly ConformanceCase[] };

type Expect = (actual: unknown, message?: string) => ConformanceAssertion;

const COUNTERS = ['revision', 'attemptsStarted', 'attemptsFinished', 'createdAt', 'updatedAt'] as const;
const DAY_MS = 86_400_000;

export const checksFor = (expect: Expect): Pick<CaseContext, 'created' | 'cas' | 'expectWellFormed'> => ({
	created: async (journal, record) => {
		const stored = await journal.create(record);
		expect(stored, 'create() of a new operation resolves to the record written').toEqual(record);
		return record;
	},
	cas: async (journal, next, what) => {
		expect(await journal.compareAndSet(next), `compareAndSet: ${what}`).toBe(true);
		return next;
	},
	expectWellFormed: (record, where) => {
		expect(record !== undefined && record !== null, `${where}: a record`).toBe(true);
		// The same check the client applies to every record it reads, so passing here means the client accepts it.
		expect(recordProblem(record), `${where}: why the record is unusable`).toBe(undefined);
		const r = record as JournalRecord;
		for (const field of COUNTERS) {
			expect(
				Number.isInteger(r[field]),
				`${where}: ${field} is an integer number (got ${String(r[field])})`,
			).toBe(true);
		}
		const now = Date.now();
		for (const field of ['createdAt', 'updatedAt'] as const) {
			const value = r[field];
			expect(
				value > now - 30 * DAY_MS && value < now + DAY_MS,
				`${where}: ${field} ${String(value)} is epoch ms near Date.now() ${now}`,
			).toBe(true);
		}
	},
});
