/**
 * A name's history: every version with the date it was written and what is stored beside its
 * value. A store that can describe versions cheaply (S3: HeadObject) does; any other store's
 * versions are read.
 *
 * @module
 */
import { NotFoundError } from "./errors.ts";
import { sortEntries, type VersionEntry } from "./names.ts";
import { mapSettled } from "./pool.ts";
import { canDescribe, type Store, type VersionDetails } from "./store.ts";

/**
 * Every version of exactly `name`, with its details, sorted; a name with no version is a
 * {@link NotFoundError}. At most `concurrency` requests are in flight.
 */
export async function readHistory(
  store: Store,
  name: string,
  options: { concurrency: number },
): Promise<VersionDetails[]> {
  const details = canDescribe(store)
    ? await store.describeVersions(name, options)
    : await readDetails(store, await Array.fromAsync(store.list({ name })), options.concurrency);
  if (details.length === 0) {
    throw new NotFoundError(`Credential '${name}' is not in ${store.description}`, {
      secret: { name },
    });
  }
  return sortEntries(details);
}

/** The details of each entry, by reading it; a version deleted meanwhile is left out. */
async function readDetails(
  store: Store,
  entries: VersionEntry[],
  concurrency: number,
): Promise<VersionDetails[]> {
  const read = await mapSettled(entries, concurrency, async (entry) => {
    const { comment, binary } = await store.read(entry.name, entry.version);
    return { ...entry, ...(comment === undefined ? {} : { comment }), binary: binary === true };
  });
  const details: VersionDetails[] = [];
  for (const r of read) {
    if (r.status === "fulfilled") details.push(r.value);
    else if (!(r.reason instanceof NotFoundError)) throw r.reason;
  }
  return details;
}
