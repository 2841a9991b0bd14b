/**
 * What a store holds, for in-process tests of the engine: entries as `name@version`, and every
 * stored version with its fields, to compare a store before and after an operation.
 *
 * @module
 */
import type { Store, StoredSecret } from "../../lib/core/store.ts";

/** Each entry as `name@version`, in the order given. */
export function versionNames(entries: readonly { name: string; version: string }[]): string[] {
  return entries.map((e) => `${e.name}@${e.version}`);
}

/** Every version the store lists, by `name@version`, with its stored fields. */
export async function storedVersions(store: Store): Promise<Record<string, StoredSecret>> {
  const all: Record<string, StoredSecret> = {};
  for await (const e of store.list()) {
    all[`${e.name}@${e.version}`] = await store.read(e.name, e.version);
  }
  return all;
}
