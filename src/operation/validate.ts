import { ResponseValidationError } from '../errors/classes.js';
import type { IdemResult } from '../types/result.js';
import type { StandardSchemaV1 } from '../types/standard-schema.js';

/** The result with `data` as the caller's schema reads it; a result that does not match is still applied. */
export async function validated<T>(
	result: IdemResult,
	schema: StandardSchemaV1<unknown, T>,
): Promise<IdemResult<T>> {
	const { status, operation, key, data: body } = result;
	// A schema that throws is still a response that did not validate: the request was applied all the same.
	const invalid = (why: string, issues: readonly unknown[], cause?: unknown) =>
		new ResponseValidationError(
			`The ${status} response of operation "${operation}" ${why} (the request was applied).`,
			{ key, operation, status, body, issues, cause },
		);
	let checked: Awaited<ReturnType<StandardSchemaV1<unknown, T>['~standard']['validate']>>;
	try {
		checked = await schema['~standard'].validate(body);
	} catch (error) {
		throw invalid('made the schema throw', [], error);
	}
	if (checked.issues) {
		throw invalid(
			`does not match the schema: ${checked.issues.map((issue) => issue.message).join('; ')}`,
			checked.issues,
		);
	}
	return Object.freeze({ ...result, data: checked.value });
}
