/*
The Standard Schema v1 interface (https://standardschema.dev), declared here rather than imported from ky: the
CommonJS type declarations must not import an ES-module-only package, and the spec is meant to be restated by
every consumer. Zod, Valibot, ArkType and the rest satisfy it structurally.
*/

/** One validation problem reported by a Standard Schema validator. */
export interface StandardSchemaV1Issue {
	readonly message: string;
	readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** What a Standard Schema validator returns. */
export type StandardSchemaV1Result<Output> =
	| { readonly value: Output; readonly issues?: undefined }
	| { readonly issues: readonly StandardSchemaV1Issue[]; readonly value?: undefined };

/** Any schema that implements Standard Schema v1 (Zod, Valibot, ArkType, ...). */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
	readonly '~standard': {
		readonly version: 1;
		readonly vendor: string;
		readonly validate: (
			value: unknown,
			options?: { readonly libraryOptions?: Readonly<Record<string, unknown>> | undefined },
		) => StandardSchemaV1Result<Output> | Promise<StandardSchemaV1Result<Output>>;
		readonly types?: { readonly input: Input; readonly output: Output } | undefined;
	};
}
