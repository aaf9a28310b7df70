/** Anything that survives a JSON round trip: what user and system attributes may hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
