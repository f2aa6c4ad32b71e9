import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as entry from '../../../src/postgres.js';

const root = join(import.meta.dirname, '../../..');
const sources = (dir: string): string[] =>
	readdirSync(join(root, dir), { withFileTypes: true }).flatMap((item) =>
		item.isDirectory()
			? sources(join(dir, item.name))
			: item.name.endsWith('.ts')
				? [join(dir, item.name)]
				: [],
	);

describe('idemkey/postgres (the entry)', () => {
	it('exports the journal, and nothing else', () => {
		expect(Object.keys(entry)).toEqual(['PostgresJournal']);
	});

	it('is published with pg as an optional peer', () => {
		const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
		expect(pkg.exports['./postgres'].import.default).toBe('./dist/postgres/index.js');
		expect(pkg.exports['./postgres'].require.default).toBe('./dist/postgres/index.cjs');
		expect(pkg.peerDependencies.pg).toBe('^8');
		expect(pkg.peerDependenciesMeta.pg).toEqual({ optional: true });
		expect(pkg.dependencies.pg).toBe(undefined);
	});

	// The caller passes its pool: no entry, this one included, loads pg, so nobody needs it installed who does not use it.
	it('has no source file that imports pg', () => {
		const importsPg = /(?:from|import|require\()\s*['"]pg(?:-[a-z]+)?(?:\/[^'"]*)?['"]/;
		const offenders = sources('src').filter((file) => importsPg.test(readFileSync(join(root, file), 'utf8')));
		expect(offenders).toEqual([]);
	});
});
