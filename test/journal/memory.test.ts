import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../src/journal/memory.js';
import { runJournalConformance } from '../../src/testing/index.js';

runJournalConformance('MemoryJournal', () => new MemoryJournal(), {
	describe,
	it,
	expect,
	beforeEach,
	afterEach,
});
