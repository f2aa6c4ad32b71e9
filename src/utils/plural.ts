/**
`1 attempt`, `2 attempts`, `0 tries`: a count and its noun, for messages. `plural` is for nouns whose plural is not
the noun plus "s" (`try` → `tries`).
*/
export const count = (n: number, noun: string, plural = `${noun}s`): string =>
	`${n} ${n === 1 ? noun : plural}`;
