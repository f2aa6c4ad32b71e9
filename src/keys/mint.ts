import { v4, v5, v7 } from 'uuid';

/** A fresh random key (UUID v4 from the platform CSPRNG). */
export const mintKey = (): string => v4();

/** A time-ordered operation id (UUID v7), so journal listings sort by creation. */
export const mintOperationId = (): string => v7();

// Fixed namespace for derived keys: changing it would change every derived key, so it never changes.
const KEY_NAMESPACE = '5b0e1f4e-6f5a-4c1b-9c77-0f6f3d1b9a10';

/**
A deterministic key from a stable name (for example `book:u42:c7`), for callers that have no journal but a natural unique id. Scope it so two tenants never derive the same key.
*/
export const deriveKey = (name: string, scope = ''): string => v5(`${scope}\u0000${name}`, KEY_NAMESPACE);
