// What a call resolves to.
export type IdemResult<T = unknown> = {
	/** Parsed body (JSON when it parses, else text); the schema's output when `schema` was given. */
	readonly data: T;
	readonly status: number;
	readonly headers: Headers;
	/** The Idempotency-Key sent; `undefined` for calls that carry none (GET, key-less endpoints). */
	readonly key: string | undefined;
	readonly operation: string;
	/** Attempts made by this call, a try whose connection failed before sending included (0 when the journal answered). */
	readonly attempts: number;
	/**
	`true` when the server replayed a stored response (or the journal answered, or the dialect's "already done" answer confirmed an earlier attempt), `false` when the server said it did not, `undefined` when the server gives no signal, or when a page reads an answer from another origin whose replay header CORS hides (not listed in `Access-Control-Expose-Headers`).
	*/
	readonly replayed: boolean | undefined;
	/** Answered from the journal without a request. */
	readonly fromJournal: boolean;
};
