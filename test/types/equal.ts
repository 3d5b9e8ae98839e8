/** true when A and B are the same type (not merely assignable either way), else false. */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when given true: `assertType<Equal<A, B>>(true)`. */
export function assertType<T extends true>(_proof: T): void {}
