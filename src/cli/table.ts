/**
Rows of cells (already made printable) as columns two spaces apart. The last column is not padded, so no line ends in
spaces and a long last cell (a reason, a message) does not widen the others.
*/
export function alignColumns(rows: readonly (readonly string[])[]): string {
	const widths: number[] = [];
	for (const row of rows) {
		for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
	}
	return rows
		.map((row) =>
			row
				.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
}
