import { ResponseValidationError } from '../errors/classes.js';
import type { IdemResult } from '../types/result.js';
import type { StandardSchemaV1 } from '../types/standard-schema.js';

/** The result with `data` as the caller's schema reads it; a result that does not match is still applied. */
export async function validated<T>(
	result: IdemResult,
	schema: StandardSchemaV1<unknown, T>,
): Promise<IdemResult<T>> {
	const { status, operation, key, data: body } = result;
	let checked: Awaited<ReturnType<StandardSchemaV1<unknown, T>['~standard']['validate']>>;
	try {
		checked = await schema['~standard'].validate(body);
	} catch (error) {
		// A schema that throws is still a response that did not validate: the request was applied all the same.
		throw new ResponseValidationError(
			`The schema threw while validating the ${status} response of operation "${operation}" (the request was applied).`,
			{ key, operation, status, body, issues: [], cause: error },
		);
	}
	if (checked.issues) {
		throw new ResponseValidationError(
			`The ${status} response of operation "${operation}" does not match the schema (the request was applied): ${checked.issues
				.map((issue) => issue.message)
				.join('; ')}`,
			{ key, operation, status, body, issues: checked.issues },
		);
	}
	return Object.freeze({ ...result, data: checked.value });
}
