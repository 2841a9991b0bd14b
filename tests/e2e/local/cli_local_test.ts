/**
 * The CLI suite on the embedded default: a local directory store and a local master key in
 * the default place under HOME, set up by `creds3 setup --create-key`.
 */
import { match, strictEqual } from "node:assert/strict";
import { defineCliSuite } from "../cli_suite.ts";
import { defineVersionsSuite } from "../versions_suite.ts";
import { localBackend } from "../../helpers/backends.ts";
import { runCli } from "../../helpers/cli.ts";

defineCliSuite("local", () => localBackend());
defineVersionsSuite("local versions", () => localBackend());

Deno.test("local: files are 0600, folders 0700, the key lives outside the store", async () => {
  const b = await localBackend();
  try {
    const put = await runCli(["put", "app/db", "local-secret"], { env: b.env });
    strictEqual(put.code, 0, put.stderr);
    const home = b.home;
    strictEqual((await Deno.stat(`${home}/store/app/db/@1`)).mode! & 0o777, 0o600);
    strictEqual((await Deno.stat(`${home}/store/app/db`)).mode! & 0o777, 0o700);
    strictEqual((await Deno.stat(`${home}/.config/creds3/master.key`)).mode! & 0o777, 0o600);
    strictEqual((await Deno.stat(`${home}/.config/creds3/master.key`)).size, 32);
    const names = [];
    for await (const e of Deno.readDir(`${home}/store`)) names.push(e.name);
    strictEqual(names.join(), "app");
  } finally {
    await b.cleanup();
  }
});

Deno.test("local: a key file readable by others is refused, a missing one explained", async () => {
  const b = await localBackend();
  try {
    const key = b.keyFile;
    await Deno.chmod(key, 0o644);
    const loose = await runCli(["put", "x", "some-value"], { env: b.env });
    strictEqual(loose.code, 1);
    match(loose.stderr, /accessible by others \(mode 644\)/);
    match(loose.stderr, /hint: restrict it with 'chmod 600/);
    await Deno.remove(key);
    const missing = await runCli(["get", "x"], { env: b.env });
    strictEqual(missing.code, 1);
    const listing = await runCli(["list"], { env: b.env });
    strictEqual(listing.stdout, "");
    const put = await runCli(["put", "x", "some-value"], { env: b.env });
    match(put.stderr, /Local master key .* does not exist/);
    match(put.stderr, /setup --create-key/);
  } finally {
    await b.cleanup();
  }
});

Deno.test("local: a store that was never set up is a clear error", async () => {
  const home = await Deno.makeTempDir();
  try {
    const r = await runCli(["get", "x"], {
      env: { HOME: home, CREDS3_LOCATION: `${home}/nowhere` },
    });
    strictEqual(r.code, 1);
    match(r.stderr, /Store directory '.*nowhere' does not exist/);
    match(r.stderr, /hint: create it with 'creds3 setup/);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
