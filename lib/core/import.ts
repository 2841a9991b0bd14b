/**
 * Importing many names at once: each is stored as its next version, unless its latest version
 * already holds the same value, so importing the same file twice stores nothing new. Two
 * steps: {@linkcode planImport} reads and compares (no write), {@linkcode applyImport} stores
 * what the plan says changed. A name whose latest version cannot be read (another context,
 * another key, a damaged object) is a failure of the plan, so a caller can refuse to write
 * anything before all of them were compared.
 *
 * @example Import twice: the second time nothing is stored
 * ```ts
 * import { CredentialStore, createMasterKey, LocalKeyProvider, MemoryStore } from "../../mod.ts";
 * import { applyImport, planImport } from "./import.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await createMasterKey(`${dir}/master.key`);
 * const creds = new CredentialStore(new MemoryStore(), new LocalKeyProvider(`${dir}/master.key`));
 * const entries = [{ name: "db/password", value: "correct horse" }];
 * const first = await planImport(creds, entries);
 * deepStrictEqual(first.items.map((i) => [i.action, i.version]), [["new", "1"]]);
 * await applyImport(creds, first.items);
 * const second = await planImport(creds, entries);
 * deepStrictEqual(second.items.map((i) => [i.action, i.version]), [["unchanged", "1"]]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import type { EncryptionContext } from "./context.ts";
import type { CredentialStore, Secret } from "./credential_store.ts";
import { unreachable } from "./each_version.ts";
import { fromBase64 } from "./encoding.ts";
import { Creds3Error, NotFoundError, UsageError, VersionExistsError } from "./errors.ts";
import { latestVersion, nextVersion } from "./names.ts";
import { mapSettled, NotStarted } from "./pool.ts";
import { canReadLatest } from "./store.ts";

/** One name and value to import. */
export interface ImportEntry {
  readonly name: string;
  /** The value; with `binary`, the standard base64 text of the bytes to store. */
  readonly value: string;
  /** Store the bytes `value` stands for as a binary secret. */
  readonly binary?: boolean;
}

/** What importing one entry does: store it as a new name, as a new version, or nothing. */
export type ImportAction = "new" | "changed" | "unchanged";

/** One entry of a plan. */
export interface PlannedImport {
  readonly entry: ImportEntry;
  readonly action: ImportAction;
  /** The version to store (`new`, `changed`), or the latest version, which holds the value. */
  readonly version: string;
}

/** A name that could not be compared or stored, and why. */
export interface ImportFailure {
  readonly name: string;
  /** The version concerned, when there is one. */
  readonly version?: string;
  readonly error: Error;
}

/** Options of {@linkcode planImport} and {@linkcode applyImport}. */
export interface ImportOptions {
  /** The encryption context every value is read and stored with. */
  context?: EncryptionContext;
  /** Called with the number of entries done and the total, after each. */
  onProgress?: (done: number, total: number) => void;
}

/** Options of {@linkcode applyImport}. */
export interface ApplyOptions extends ImportOptions {
  /** A note stored with every version stored. */
  comment?: string;
}

/** What {@linkcode planImport} found. */
export interface ImportPlan {
  /** The entries compared, in the order given. */
  items: PlannedImport[];
  /** The entries that could not be compared, in the order given. */
  failures: ImportFailure[];
}

/** What {@linkcode applyImport} did. */
export interface ImportResult {
  /** The entries stored, with the version each was stored as, in the order given. */
  stored: { name: string; version: string }[];
  failures: ImportFailure[];
}

async function planOne(
  creds: CredentialStore,
  entry: ImportEntry,
  context: EncryptionContext,
): Promise<PlannedImport> {
  let secret: Secret;
  let versions: string[] | undefined;
  if (canReadLatest(creds.store)) {
    // The latest version and its fields in one request (a credstash table's Query).
    try {
      secret = await creds.get(entry.name, { context });
    } catch (e) {
      if (
        e instanceof NotFoundError && e.secret?.version === undefined &&
        e.secret?.name === entry.name
      ) {
        return { entry, action: "new", version: "1" };
      }
      throw e;
    }
  } else {
    const listed = await creds.versions(entry.name);
    const latest = latestVersion(listed);
    if (latest === undefined) return { entry, action: "new", version: "1" };
    secret = await creds.get(entry.name, { version: latest.version, context });
    versions = listed.map((v) => v.version);
  }
  if (secret.value === entry.value) {
    if (!secret.binary === !entry.binary) {
      return { entry, action: "unchanged", version: secret.version };
    }
    // The value is the base64 text of a binary secret's bytes (as getall writes it), or the
    // other way round: storing it would change what `get` gives, not the value.
    throw new UsageError(
      secret.binary
        ? "the latest version is a binary secret, and the value is the base64 text of its bytes"
        : "the latest version is text, and the value is that same text given as bytes in base64",
      { reason: { type: "binary-mismatch", storedBinary: !!secret.binary } },
    ).attachSecret({ name: entry.name, version: secret.version });
  }
  // A change is numbered as `put -a` numbers it, from every version: versions that are not
  // integers fail it, wherever the store's order puts them (a credstash table's one Query for
  // the latest gave only the latest).
  versions ??= (await creds.versions(entry.name)).map((v) => v.version);
  return {
    entry,
    action: "changed",
    version: nextVersion(entry.name, versions),
  };
}

/** The error of an entry that was never tried, or its own error. */
function failure(
  name: string,
  version: string | undefined,
  reason: unknown,
  what: string,
): ImportFailure {
  const error = reason instanceof NotStarted
    ? new Creds3Error(
      `not ${what}, since an earlier request could not reach the store or the key service`,
      { reason: { type: "reads-stopped" }, cause: reason.stoppedBy },
    )
    : reason as Error;
  if (!(error instanceof Creds3Error)) return { name, version, error };
  // The version a read failed on is known to the error, not to the caller.
  error.attachSecret({ name, version });
  return { name, version: version ?? error.secret?.version, error };
}

/**
 * Compares each entry with its name's latest version: one listing of the name, then one read
 * of the latest version if there is one; nothing is written. `new`: no version yet (version
 * 1 is next); `changed`: the latest holds another value (the next integer version is next);
 * `unchanged`: it holds this value, and the same kind (text or binary). A latest version
 * holding the same text as the other kind is a failure (`binary-mismatch`), and so are
 * versions that are not integers. Concurrent, with the credential store's concurrency; once
 * the store or the key service cannot be reached, no further entry is started.
 */
export async function planImport(
  creds: CredentialStore,
  entries: readonly ImportEntry[],
  options: ImportOptions = {},
): Promise<ImportPlan> {
  const context = options.context ?? {};
  creds.keys.prepare?.();
  let done = 0;
  options.onProgress?.(0, entries.length);
  const results = await mapSettled(
    entries,
    creds.concurrency,
    (entry) =>
      planOne(creds, entry, context).finally(() => options.onProgress?.(++done, entries.length)),
    { stopWhen: unreachable },
  );
  const plan: ImportPlan = { items: [], failures: [] };
  results.forEach((r, i) => {
    if (r.status === "fulfilled") plan.items.push(r.value);
    else plan.failures.push(failure(entries[i].name, undefined, r.reason, "compared"));
  });
  return plan;
}

/**
 * Stores every `new` and `changed` entry of a plan as the version the plan says; when another
 * writer stored that version meanwhile, as the next free one. Never overwrites a version.
 * Concurrent, as {@linkcode planImport}.
 */
export async function applyImport(
  creds: CredentialStore,
  items: readonly PlannedImport[],
  options: ApplyOptions = {},
): Promise<ImportResult> {
  const writes = items.filter((item) => item.action !== "unchanged");
  const put = (entry: ImportEntry, version?: string) =>
    // The bytes are made for each attempt: `put` zeroes them once sealed.
    creds.put(entry.name, entry.binary ? fromBase64(entry.value) : entry.value, {
      context: options.context,
      comment: options.comment,
      ...(version === undefined ? { autoversion: true } : { version }),
    });
  let done = 0;
  options.onProgress?.(0, writes.length);
  const results = await mapSettled(
    writes,
    creds.concurrency,
    async ({ entry, version }) => {
      try {
        return await put(entry, version);
      } catch (e) {
        if (!(e instanceof VersionExistsError)) throw e;
        return await put(entry);
      } finally {
        options.onProgress?.(++done, writes.length);
      }
    },
    { stopWhen: unreachable },
  );
  const result: ImportResult = { stored: [], failures: [] };
  results.forEach((r, i) => {
    const { entry, version } = writes[i];
    if (r.status === "fulfilled") result.stored.push({ name: entry.name, version: r.value });
    else result.failures.push(failure(entry.name, version, r.reason, "stored"));
  });
  return result;
}
