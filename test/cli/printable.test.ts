import { describe, expect, it } from 'vitest';
import { printable } from '../../src/cli/printable.js';
import { cli, keyedServer, scratch } from './support.js';

describe('printable', () => {
	it.each([
		['plain', 'order-1', 'order-1'],
		['newline and carriage return', 'a\nb\rc', 'a\\nb\\rc'],
		['tab', 'a\tb', 'a\\tb'],
		['ESC (a terminal escape sequence)', 'a\u001b[2Jb', 'a\\x1b[2Jb'],
		['NUL, DEL and C1 (CSI)', '\u0000\u007f\u009b', '\\x00\\x7f\\x9b'],
		['RLO and a bidi isolate', 'pay\u202eevil\u2066', 'pay\\u202eevil\\u2066'],
		['line separator', 'a\u2028b', 'a\\u2028b'],
		['non-ASCII letters and a backslash stay', 'ünï 😀 C:\\x', 'ünï 😀 C:\\x'],
	])('%s', (_what, text, shown) => {
		expect(printable(text)).toBe(shown);
	});
});

/** An operation id that would clear the screen, reverse the rest of the line and forge a log line if printed raw. */
const HOSTILE = 'op\u001b[2J\u202e\nidemkey: 201 key=forged operation=charge-2 attempts=1 replayed=false';
const SHOWN = 'op\\x1b[2J\\u202e\\nidemkey: 201 key=forged';

/** No character a terminal would act on, and nothing but whole lines. */
const clean = (text: string) => {
	// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not be printed.
	expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
};

describe('the CLI shows caller-supplied strings escaped, except in --json', () => {
	it('a hostile operation id cannot rewrite the terminal or forge a line, from request to pending to resume', async () => {
		let dropped = false;
		const server = await keyedServer((_req, res) => {
			if (dropped) return false;
			dropped = true;
			res.destroy();
			return true;
		});
		const cwd = await scratch();
		const sent = await cli(
			['request', 'POST', `${server.url}charges`, '--op', HOSTILE, '--json', '{}', '--retries', '0'],
			{
				cwd,
			},
		);
		expect(sent.code).toBe(6);
		const listed = await cli(['pending'], { cwd });
		const shown = await cli(['pending', HOSTILE], { cwd });
		const resumed = await cli(['resume', '--all'], { cwd });
		const again = await cli(['resume', HOSTILE], { cwd });
		const settled = await cli(['abandon', HOSTILE], { cwd });

		for (const out of [sent, listed, shown, resumed, again, settled]) {
			clean(out.stdout);
			clean(out.stderr);
			expect(out.stdout + out.stderr).not.toMatch(/^idemkey: 201 key=forged/m);
		}
		expect(sent.stderr).toContain(SHOWN);
		expect(listed.stdout).toContain(SHOWN);
		expect(shown.stdout).toContain(SHOWN);
		expect(resumed.stdout).toMatch(/^ok op\\x1b\[2J\\u202e\\nidemkey: 201 key=forged /m);
		expect(settled.stderr).toContain(SHOWN);
		// --json is for programs: the id as it is, JSON-escaped.
		const [json] = JSON.parse((await cli(['pending', HOSTILE, '--json'], { cwd })).stdout) as {
			operation: string;
		}[];
		expect(json?.operation).toBe(HOSTILE);
	});
});
