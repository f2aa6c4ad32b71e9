import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJournalConformance } from '../../src/journal/conformance.js';
import { MemoryJournal } from '../../src/journal/memory.js';

runJournalConformance('MemoryJournal', () => new MemoryJournal(), {
	describe,
	it,
	expect,
	beforeEach,
	afterEach,
});
