/**
 * Managing versions, in process: comments (their limit and where they are checked), binary
 * secrets, history, the pruning rule (never the latest version), durations, and the S3
 * metadata that carries comments and the binary mark within S3's 2 KB.
 */
import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { parseDuration } from "../../lib/cli/duration.ts";
import { valueBytes } from "../../lib/core/binary.ts";
import { MAX_COMMENT_BYTES, validateComment } from "../../lib/core/comment.ts";
import { CredentialStore } from "../../lib/core/credential_store.ts";
import { toBase64 } from "../../lib/core/encoding.ts";
import { IntegrityError, NotFoundError, StoreError, UsageError } from "../../lib/core/errors.ts";
import type { VersionEntry } from "../../lib/core/names.ts";
import { byRecency, selectPrunable } from "../../lib/core/prune.ts";
import { createMasterKey, LocalKeyProvider } from "../../lib/keys/local.ts";
import { MemoryStore } from "../../lib/stores/memory.ts";
import type { Store } from "../../lib/core/store.ts";
import {
  detailsFromMetadata,
  fromMetadata,
  MAX_METADATA_BYTES,
  toMetadata,
} from "../../lib/stores/s3/metadata.ts";
import { versionNames as names } from "../helpers/store_contents.ts";

/** A credential store in memory with a real local master key; writes a second apart. */
async function withCreds(fn: (creds: CredentialStore, store: MemoryStore) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "creds3-versions-" });
  try {
    await createMasterKey(`${dir}/master.key`);
    let time = Date.UTC(2024, 0, 1);
    const store = new MemoryStore({ now: () => new Date(time += 1000) });
    await fn(new CredentialStore(store, new LocalKeyProvider(`${dir}/master.key`)), store);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const at = (seconds: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, seconds));

Deno.test("comments: one line of Unicode text, at most 1,024 bytes of UTF-8", () => {
  strictEqual(MAX_COMMENT_BYTES, 1024);
  for (const good of ["x", "é".repeat(512), "x".repeat(1024), "日本語 ✓ 🔑", "a  b"]) {
    strictEqual(validateComment(good), good);
  }
  const bad: [string, RegExp][] = [
    ["", /empty/],
    ["x".repeat(1025), /1025 bytes in UTF-8, at most 1,024/],
    ["🔑".repeat(257), /1028 bytes/],
    ["line\nbreak", /control character \(U\+000A\)/],
    ["tab\t", /U\+0009/],
    ["del\u007f", /U\+007F/],
    ["c1\u0085", /U\+0085/],
    ["lone \ud800 surrogate", /lone surrogate/],
  ];
  for (const [comment, message] of bad) throws(() => validateComment(comment), message);
  throws(() => validateComment("\u0000"), UsageError);
});

Deno.test("comments: a bad one is refused before the key provider is asked, nothing stored", async () => {
  // A key file that does not exist: any use of the key would be a NotFoundError.
  const store = new MemoryStore();
  const creds = new CredentialStore(store, new LocalKeyProvider("/nonexistent/master.key"));
  await rejects(creds.put("db", "value", { comment: "x".repeat(1025) }), UsageError);
  await rejects(creds.put("db", "value", { comment: "ok" }), NotFoundError);
  deepStrictEqual(await Array.fromAsync(store.list()), []);
});

Deno.test("binary secrets: bytes stored as base64 text, marked, and read back as bytes", async () => {
  await withCreds(async (creds, store) => {
    const bytes = new Uint8Array([0, 255, 10, 0xc3, 0x28, 1, 2, 3]);
    // A copy: put zeroes the bytes it is given.
    await creds.put("bin", bytes.slice(), { comment: "raw" });
    await creds.put("text", "plain ✓");
    const stored = await store.read("bin", "1");
    strictEqual(stored.binary, true);
    strictEqual(stored.comment, "raw");
    strictEqual((await store.read("text", "1")).binary, undefined);
    const secret = await creds.get("bin");
    deepStrictEqual(secret, { name: "bin", version: "1", value: toBase64(bytes), binary: true });
    deepStrictEqual(valueBytes(secret), bytes);
    const text = await creds.get("text");
    deepStrictEqual(text, { name: "text", version: "1", value: "plain ✓" });
    deepStrictEqual(valueBytes(text), new TextEncoder().encode("plain ✓"));
    throws(() => valueBytes({ ...secret, value: "not base64!" }), IntegrityError);
    // Many at once: the base64 text, marked.
    const { secrets } = await creds.getMany(undefined);
    deepStrictEqual(secrets.map((s) => [s.name, s.binary ?? false]), [["bin", true], [
      "text",
      false,
    ]]);
  });
});

Deno.test("history: every version, ascending, with its date, comment and type", async () => {
  await withCreds(async (creds) => {
    await creds.put("db", "one", { comment: "first ✓" });
    await creds.put("db", new Uint8Array([1, 2]), { version: "10" });
    await creds.put("db", "two", { version: "2", comment: "second" });
    await creds.put("dbx", "other");
    const history = await creds.history("db");
    deepStrictEqual(
      history.map(({ version, modified, comment, binary }) => ({
        version,
        modified,
        comment,
        binary,
      })),
      [
        { version: "1", modified: at(1), comment: "first ✓", binary: false },
        { version: "2", modified: at(3), comment: "second", binary: false },
        { version: "10", modified: at(2), comment: undefined, binary: true },
      ],
    );
    await rejects(creds.history("nothing"), NotFoundError);
    await rejects(creds.history("db*"), /history takes one exact name/);
    await rejects(creds.history("a/../b"), UsageError);
  });
});

const entry = (name: string, version: string, seconds?: number): VersionEntry => ({
  name,
  version,
  ...(seconds === undefined ? {} : { modified: at(seconds) }),
});
Deno.test("prune rule: all but the latest N of each name, never the latest", () => {
  const entries = [
    ...["1", "2", "3", "9", "10"].map((v, i) => entry("a", v, i)),
    entry("b", "1", 0),
    entry("c", "7", 0),
    entry("c", "8", 1),
  ];
  deepStrictEqual(names(selectPrunable(entries, { keep: 2 })), ["a@1", "a@2", "a@3"]);
  deepStrictEqual(names(selectPrunable(entries, { keep: 1 })), [
    "a@1",
    "a@2",
    "a@3",
    "a@9",
    "c@7",
  ]);
  deepStrictEqual(selectPrunable(entries, { keep: 5 }), []);
  // Integers compare as numbers, whatever order they were written in.
  const shuffled = [entry("n", "10", 0), entry("n", "9", 5), entry("n", "100", 1)];
  deepStrictEqual(names(selectPrunable(shuffled, { keep: 1 })), ["n@9", "n@10"]);
  for (const keep of [0, -1, 1.5, NaN]) {
    throws(() => selectPrunable(entries, { keep }), /Cannot keep .* never pruned/);
  }
});

Deno.test("prune rule: with a non-integer version the newest writes are the latest", () => {
  const mixed = [entry("m", "2", 0), entry("m", "beta", 1), entry("m", "1", 2)];
  deepStrictEqual(names(byRecency(mixed)), ["m@2", "m@beta", "m@1"]);
  deepStrictEqual(names(selectPrunable(mixed, { keep: 1 })), ["m@2", "m@beta"]);
  // Dated the same second: the higher version is the later, as for the latest version.
  const tie = [entry("t", "b", 0), entry("t", "c", 0), entry("t", "a", 0)];
  deepStrictEqual(names(selectPrunable(tie, { keep: 1 })), ["t@a", "t@b"]);
});

Deno.test("prune rule: a cutoff prunes only versions written before it; an undated one is kept", () => {
  const entries = [entry("a", "1", 0), entry("a", "2"), entry("a", "3", 10), entry("a", "4", 20)];
  deepStrictEqual(names(selectPrunable(entries, { keep: 1, before: at(10) })), ["a@1"]);
  deepStrictEqual(names(selectPrunable(entries, { keep: 1, before: at(11) })), ["a@1", "a@3"]);
  // The latest is kept even when it is older than the cutoff.
  deepStrictEqual(names(selectPrunable(entries, { keep: 1, before: at(99) })), ["a@1", "a@3"]);
});

Deno.test("prune: deletes what the rule selects, a dry run nothing; a pattern without match fails", async () => {
  await withCreds(async (creds, store) => {
    for (const v of ["1", "2", "3"]) await creds.put("app/a", `a-${v}`, { version: v });
    for (const v of ["1", "2"]) await creds.put("app/b", `b-${v}`, { version: v });
    await creds.put("other", "o-1");
    const dry = await creds.prune("app/*", { keep: 1, dryRun: true });
    deepStrictEqual(names(dry.deleted), ["app/a@1", "app/a@2", "app/b@1"]);
    strictEqual(dry.names, 2);
    strictEqual(dry.kept, 2);
    strictEqual((await Array.fromAsync(store.list())).length, 6);
    const done = await creds.prune("app/*", { keep: 1 });
    deepStrictEqual(names(done.deleted), names(dry.deleted));
    deepStrictEqual(names(await creds.list()), ["app/a@3", "app/b@2", "other@1"]);
    strictEqual((await creds.get("app/a")).value, "a-3");
    const exact = await creds.prune("app/a", { keep: 1 });
    deepStrictEqual(exact, { deleted: [], names: 1, kept: 1 });
    const none = await creds.prune("nothing*", { keep: 1 }).catch((e) => e);
    ok(none instanceof NotFoundError);
    strictEqual(none.reason?.type, "no-match");
    await rejects(creds.prune("no/such", { keep: 1 }), /'no\/such' is not in memory:/);
    await rejects(creds.prune("app/*", { keep: 0 }), UsageError);
    // A bad keep is refused before the store is listed.
    let listed = 0;
    const counted: Store = {
      description: store.description,
      list: (options) => (listed++, store.list(options)),
      read: (name, version) => store.read(name, version),
      create: (name, version, secret) => store.create(name, version, secret),
      remove: (entries) => store.remove(entries),
    };
    const counting = new CredentialStore(counted, new LocalKeyProvider("/nonexistent/master.key"));
    await rejects(counting.prune("app/*", { keep: 1.5 }), UsageError);
    strictEqual(listed, 0);
    strictEqual((await counting.prune("app/*", { keep: 1, dryRun: true })).deleted.length, 0);
    strictEqual(listed, 1);
    await rejects(creds.prune("", { keep: 1 }), UsageError);
  });
});

Deno.test("durations: whole numbers with units s, m, h, d, w", () => {
  const cases: [string, number][] = [
    ["1s", 1000],
    ["90m", 90 * 60_000],
    ["36h", 36 * 3_600_000],
    ["30d", 30 * 86_400_000],
    ["2w", 14 * 86_400_000],
    ["1w3d12h", (10 * 24 + 12) * 3_600_000],
  ];
  for (const [text, ms] of cases) strictEqual(parseDuration(text), ms, text);
  for (
    const bad of ["", "30", "d", "1.5d", "1 d", "-1d", "1D", "1y", "1d-", "99999999999999999w"]
  ) {
    throws(() => parseDuration(bad), /is not whole numbers with units/, bad);
  }
  throws(() => parseDuration("0s"), /is zero/);
  throws(() => parseDuration("0d0h"), UsageError);
});

Deno.test("S3 metadata: the longest comment and the binary mark fit in 2 KB beside the fields", () => {
  const secret = {
    contents: "",
    // The longest fields: a 400-character wrapped key, a SHA512 HMAC.
    key: "k".repeat(400),
    hmac: "f".repeat(128),
    digest: "SHA512",
    // The longest comment in the widest encoding: 1,024 bytes of 2- and 3-byte characters.
    comment: validateComment("é".repeat(509) + "日"),
    binary: true,
  };
  strictEqual(new TextEncoder().encode(secret.comment).length, 1021);
  const longest = { ...secret, comment: "x".repeat(MAX_COMMENT_BYTES) };
  const meta = toMetadata(longest);
  const size = Object.entries(meta).reduce((n, [k, v]) => n + k.length + v.length, 0);
  ok(size <= MAX_METADATA_BYTES, `${size} bytes`);
  strictEqual(size, 1949);
  deepStrictEqual(fromMetadata("body", meta, { name: "n", version: "1" }), {
    ...longest,
    contents: "body",
  });
  deepStrictEqual(detailsFromMetadata(toMetadata(secret), { name: "n", version: "1" }), {
    comment: secret.comment,
    binary: true,
  });
  // Metadata that would pass S3's limit is refused before any request.
  throws(() => toMetadata({ ...longest, key: "k".repeat(500) }), StoreError);
  throws(() => toMetadata({ ...longest, comment: "x".repeat(1200) }), /more than the 2048/);
});

Deno.test("S3 metadata: what the original writes reads as a text secret without comment", () => {
  const original = { key: "a2V5", hmac: "00", digest: "SHA256" };
  deepStrictEqual(fromMetadata("Ym9keQ==", original, { name: "n", version: "1" }), {
    contents: "Ym9keQ==",
    ...original,
  });
  deepStrictEqual(toMetadata({ contents: "", ...original }), original);
  const ref = { name: "n", version: "1" };
  throws(() => detailsFromMetadata({ "comment-base64": "not base64!" }, ref), IntegrityError);
  throws(() => detailsFromMetadata({ "comment-base64": toBase64(new Uint8Array([0xff])) }, ref), {
    message: /'comment-base64' that is not base64 of UTF-8 text/,
  });
  throws(() => detailsFromMetadata({ "value-encoding": "hex" }, ref), /unknown 'value-encoding'/);
  throws(() => fromMetadata("", { hmac: "00", digest: "SHA256" }, ref), /no 'key' metadata/);
});
