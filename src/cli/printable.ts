/*
What a terminal or a log would act on rather than show: C0 and C1 controls (newline, carriage return, ESC starting an
escape sequence), DEL, and the Unicode marks that reorder or split what follows (bidi overrides and isolates such as
RLO U+202E, line and paragraph separators). An operation id, a key, a path or a server's message holding one could
rewrite the terminal or forge a log line, so human-readable output shows them escaped.
*/
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be escaped.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const escaped = (char: string): string => {
	const named = NAMED[char];
	if (named) return named;
	const code = char.charCodeAt(0);
	return code < 0x100
		? `\\x${code.toString(16).padStart(2, '0')}`
		: `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
`text` with every character a terminal would act on shown as an escape (`\n`, `\x1b`, `\u202e`); anything else, a
backslash included, as it is. For one line of human-readable output; never for `--json` or a response body.
*/
export const printable = (text: string): string => text.replace(UNSAFE, escaped);
