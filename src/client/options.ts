import { InvalidRequestError } from '../errors/classes.js';
import { mustBe } from '../utils/input.js';
import { CLIENT_RULES, checkFields, isObject } from './rules.js';

/*
The client's options, checked by hand (the browser bundle carries no zod) for what would otherwise fail late and
obscurely, by the rules a call's options share (CLIENT_RULES). Unknown names are refused: a misspelt option (ky's `prefixUrl`,
`baseURL`, `header`) would otherwise be dropped without a word, and the client would run without the base URL, the
headers or the retry budget its author meant to give it.
*/

/** Checked here, in the order they are reported. */
const CHECKED = Object.keys(CLIENT_RULES);

/** Every option: the checked ones, and those checked where they are used (resolveDialect, mergeHeaders). */
const KNOWN = [...CHECKED, 'dialect', 'headers'];

/** Options of other clients that people carry over, and the name idemkey gives each. */
const ALIASES: Record<string, string> = { prefixUrl: 'baseUrl', prefix: 'baseUrl', baseURL: 'baseUrl' };

/** Throws InvalidRequestError naming the first bad client option (`field`: the option's name). */
export function assertClientOptions(options: unknown): void {
	if (options === undefined) return;
	if (!isObject(options)) throw mustBe('options', 'an object, as in createClient({ baseUrl })', options);
	checkFields(options, CHECKED);
	const unknown = Object.keys(options).filter((name) => !KNOWN.includes(name));
	if (unknown.length > 0) {
		const named = unknown.map((name) => `"${name}"${hint(name)}`).join(', ');
		throw new InvalidRequestError(`Invalid client options: unknown option ${named} (misspelt?).`, {
			field: 'options',
		});
	}
}

/** " (did you mean baseUrl?)" for a name close to a known one: another client's name for it, or another case. */
function hint(name: string): string {
	const lower = name.toLowerCase();
	const known =
		(Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined) ??
		KNOWN.find((option) => option.toLowerCase() === lower || option.toLowerCase() === `${lower}s`);
	return known === undefined ? '' : ` (did you mean ${known}?)`;
}
