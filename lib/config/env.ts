/**
 * The environment as configuration reads it: a plain record, passed in, never read from
 * `Deno.env` below the command layer.
 *
 * @module
 */

/** The environment as a plain record. */
export type Env = Readonly<Record<string, string | undefined>>;
