/**
 * The `RewrapStore.replaceKey` contract on the stores in memory and in a directory: only the
 * wrapped data key changes (contents, HMAC, digest, comment and binary mark stay), and only when
 * the version is still exactly what the caller read: a changed version is a `StoreError` with
 * reason `version-changed`, a missing one a `NotFoundError`, and neither is written. On the
 * directory store the file is replaced where it is (the earlier layout too), keeps mode 0600,
 * leaves no temporary file, and a link in its place is refused. S3's is tested against moto
 * (tests/e2e/moto/replace_key_test.ts) and Ceph.
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { NotFoundError, StoreError } from "../../lib/core/errors.ts";
import type { RewrapStore, Store, StoredSecret } from "../../lib/core/store.ts";
import { DirectoryStore } from "../../lib/stores/directory.ts";
import { replaceFile } from "../../lib/stores/directory/files.ts";
import { MemoryStore } from "../../lib/stores/memory.ts";

const SECRET: StoredSecret = {
  contents: "Y2lwaGVydGV4dA==",
  key: "b2xkLXdyYXBwZWQta2V5",
  hmac: "0123456789abcdef",
  digest: "SHA256",
  comment: "rotated twice",
  binary: true,
};
const NEW_KEY = "bmV3LXdyYXBwZWQta2V5";

function changed(e: Error): boolean {
  ok(e instanceof StoreError, String(e));
  strictEqual(e.reason?.type, "version-changed");
  return true;
}

async function withDirectory(fn: (store: DirectoryStore, root: string) => Promise<void>) {
  const root = await Deno.makeTempDir({ prefix: "creds3-replace-" });
  try {
    const store = new DirectoryStore(root);
    await store.setup();
    await fn(store, root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function withStores(fn: (store: Store & RewrapStore, label: string) => Promise<void>) {
  await fn(new MemoryStore(), "memory");
  await withDirectory((store) => fn(store, "directory"));
}

Deno.test("replaceKey: only the wrapped data key changes", async () => {
  await withStores(async (store, label) => {
    await store.create("db/password", "7", SECRET);
    const read = await store.read("db/password", "7");
    await store.replaceKey("db/password", "7", read, NEW_KEY);
    deepStrictEqual(await store.read("db/password", "7"), { ...SECRET, key: NEW_KEY }, label);
  });
});

Deno.test("replaceKey: a version that changed since it was read, or is gone, is left as it is", async () => {
  await withStores(async (store, label) => {
    await store.create("db/password", "1", SECRET);
    for (const field of ["contents", "key", "hmac", "digest", "comment"] as const) {
      const stale = { ...SECRET, [field]: `${SECRET[field]}x` };
      await rejects(
        store.replaceKey("db/password", "1", stale, NEW_KEY),
        changed,
        `${label} ${field}`,
      );
    }
    await rejects(
      store.replaceKey("db/password", "1", { ...SECRET, binary: false }, NEW_KEY),
      changed,
      label,
    );
    deepStrictEqual(await store.read("db/password", "1"), SECRET, label);
    await rejects(store.replaceKey("db/password", "2", SECRET, NEW_KEY), NotFoundError, label);
    await rejects(store.replaceKey("other", "1", SECRET, NEW_KEY), NotFoundError, label);
    deepStrictEqual(
      (await Array.fromAsync(store.list())).map((e) => `${e.name}@${e.version}`),
      ["db/password@1"],
      `${label}: nothing was created`,
    );
  });
});

Deno.test("replaceKey on a directory: in place, mode 0600, no temporary file left", async () => {
  await withDirectory(async (store, root) => {
    await store.create("app/token", "3", SECRET);
    await store.replaceKey("app/token", "3", SECRET, NEW_KEY);
    const files = await Array.fromAsync(Deno.readDir(`${root}/app/token`));
    deepStrictEqual(files.map((f) => f.name), ["@3"]);
    if (Deno.build.os !== "windows") {
      strictEqual((await Deno.stat(`${root}/app/token/@3`)).mode! & 0o777, 0o600);
    }
    // A version in the earlier layout is replaced where it is.
    await Deno.mkdir(`${root}/old/name`, { recursive: true });
    await Deno.writeTextFile(`${root}/old/name/2`, JSON.stringify(SECRET));
    await store.replaceKey("old/name", "2", SECRET, NEW_KEY);
    deepStrictEqual(JSON.parse(await Deno.readTextFile(`${root}/old/name/2`)).key, NEW_KEY);
    deepStrictEqual((await Array.fromAsync(Deno.readDir(`${root}/old/name`))).map((f) => f.name), [
      "2",
    ]);
  });
});

Deno.test("replaceKey on a directory: a link in the version's place is refused", {
  ignore: Deno.build.os === "windows",
}, async () => {
  await withDirectory(async (store, root) => {
    const outside = await Deno.makeTempFile({ prefix: "creds3-outside-" });
    try {
      await Deno.writeTextFile(outside, JSON.stringify(SECRET));
      await Deno.mkdir(`${root}/linked`);
      await Deno.symlink(outside, `${root}/linked/@1`);
      await rejects(store.replaceKey("linked", "1", SECRET, NEW_KEY), StoreError);
      deepStrictEqual(JSON.parse(await Deno.readTextFile(outside)), SECRET);
    } finally {
      await Deno.remove(outside);
    }
  });
});

Deno.test("replaceFile: when the file changed before the rename, nothing is replaced", async () => {
  const dir = await Deno.makeTempDir({ prefix: "creds3-replace-file-" });
  try {
    await Deno.writeTextFile(`${dir}/target`, "before");
    const bytes = new TextEncoder().encode("after");
    strictEqual(
      await replaceFile(dir, `${dir}/target`, bytes, () => Promise.resolve(false)),
      false,
    );
    strictEqual(await Deno.readTextFile(`${dir}/target`), "before");
    strictEqual(await replaceFile(dir, `${dir}/target`, bytes, () => Promise.resolve(true)), true);
    strictEqual(await Deno.readTextFile(`${dir}/target`), "after");
    deepStrictEqual((await Array.fromAsync(Deno.readDir(dir))).map((f) => f.name), ["target"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
