/**
 * Values and versions as `put` takes them and `get` gives them back, on the local store and on
 * moto: byte for byte (a leading byte order mark included) on every input path, `@~/FILE`,
 * binary values (`--binary`) byte for byte, an empty value, versions with leading zeros, and
 * nothing of a value echoed on stderr.
 * All values are made up.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { localAndMoto } from "../helpers/backends.ts";
import { cliArgv, cliEnv, runCli, runCliBytes } from "../helpers/cli.ts";
import { onPty } from "../helpers/pty.ts";

const BOM = "\ufeff";
const BOM_BYTES = [0xef, 0xbb, 0xbf];

for (const [label, makeStore] of localAndMoto("creds3-values")) {
  Deno.test(`values (${label}): a leading byte order mark round-trips on every input path`, async () => {
    const store = await makeStore();
    const home = await Deno.makeTempDir({ prefix: "creds3-values-home-" });
    const env = { HOME: home, ...store.env };
    const cli = (args: string[], stdin?: string) => runCli(args, { env, stdin });
    try {
      const file = `${home}/bom.txt`;
      await Deno.writeFile(file, new Uint8Array([...BOM_BYTES, 0x66, 0x0a]));
      const puts: [string, string[], string?][] = [
        ["bom/arg", ["put", "bom/arg", `${BOM}a`]],
        ["bom/file", ["put", "bom/file", `@${file}`]],
        ["bom/stdin", ["put", "bom/stdin", "-"], `${BOM}s`],
        ["bom/twice", ["put", "bom/twice", `${BOM}${BOM}`]],
      ];
      for (const [, args, stdin] of puts) {
        const r = await cli(args, stdin);
        strictEqual(r.code, 0, r.stderr);
      }
      if (label === "local") {
        // -P: the value typed at a terminal, its first three bytes those of a BOM.
        const typed = `${BOM}p\r`;
        const r = await onPty(cliArgv(["put", "-P", "bom/prompt"]), cliEnv(env), [
          ["Value for", typed],
          ["Again", typed],
        ]);
        strictEqual(r.code, 0, r.stderr);
      }
      const expected: Record<string, number[]> = {
        "bom/arg": [...BOM_BYTES, 0x61],
        "bom/file": [...BOM_BYTES, 0x66, 0x0a],
        "bom/stdin": [...BOM_BYTES, 0x73],
        "bom/twice": [...BOM_BYTES, ...BOM_BYTES],
        ...(label === "local" ? { "bom/prompt": [...BOM_BYTES, 0x70] } : {}),
      };
      for (const [name, bytes] of Object.entries(expected)) {
        const got = await runCliBytes(["get", "-n", name], { env });
        strictEqual(got.code, 0, got.stderr);
        deepStrictEqual([...got.stdout], bytes, name);
      }
      const all = await cli(["getall"]);
      deepStrictEqual(
        JSON.parse(all.stdout),
        Object.fromEntries(
          Object.entries(expected).map((
            [k, v],
          ) => [k, new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array(v))]),
        ),
      );
    } finally {
      await Deno.remove(home, { recursive: true });
      await store.cleanup();
    }
  });

  Deno.test(`values (${label}): --binary keeps every byte from @FILE, @~/FILE and stdin, a leading BOM included`, async () => {
    const store = await makeStore();
    // The local store's master key is under its own HOME.
    const home = store.env.HOME ?? await Deno.makeTempDir({ prefix: "creds3-values-home-" });
    const env = { HOME: home, ...store.env };
    try {
      const bytes = new Uint8Array([...BOM_BYTES, 0x00, 0xff, 0x0d, 0x0a, 0x80]);
      await Deno.writeFile(`${home}/blob.bin`, bytes);
      const puts: [string, string, Uint8Array?][] = [
        ["bin/file", `@${home}/blob.bin`],
        ["bin/home", "@~/blob.bin"],
        ["bin/stdin", "-", bytes],
      ];
      for (const [name, value, stdin] of puts) {
        const r = await runCli(["put", name, value, "--binary"], { env, stdin });
        strictEqual(r.code, 0, r.stderr);
      }
      for (const [name] of puts) {
        const got = await runCliBytes(["get", name], { env });
        strictEqual(got.code, 0, got.stderr);
        deepStrictEqual([...got.stdout], [...bytes], name);
      }
      const all = await runCli(["getall"], { env });
      const base64 = btoa(String.fromCharCode(...bytes));
      deepStrictEqual(JSON.parse(all.stdout), {
        "bin/file": base64,
        "bin/home": base64,
        "bin/stdin": base64,
      });
    } finally {
      if (!store.env.HOME) await Deno.remove(home, { recursive: true });
      await store.cleanup();
    }
  });

  Deno.test(`values (${label}): @~/FILE reads from HOME, as the shell would not`, async () => {
    const store = await makeStore();
    // The local store's master key is under its own HOME.
    const home = store.env.HOME ?? await Deno.makeTempDir({ prefix: "creds3-values-home-" });
    try {
      await Deno.writeTextFile(`${home}/t.txt`, "from home\n");
      const env = { HOME: home, ...store.env };
      const put = await runCli(["put", "f8", "@~/t.txt"], { env });
      strictEqual(put.code, 0, put.stderr);
      strictEqual((await runCli(["get", "-n", "f8"], { env })).stdout, "from home\n");
      // '~' alone after '@' is the home folder itself: a directory, named as such.
      const dir = await runCli(["put", "f9", "@~"], { env });
      strictEqual(dir.code, 2);
      match(dir.stderr, /Cannot read the value file '~': it is a directory/);
    } finally {
      if (!store.env.HOME) await Deno.remove(home, { recursive: true });
      await store.cleanup();
    }
  });

  Deno.test(`values (${label}): versions with leading zeros are refused, and 1 is later than 01`, async () => {
    const store = await makeStore();
    const cli = (...args: string[]) => runCli(args, { env: store.env });
    try {
      for (const version of ["01", "007", "00"]) {
        const r = await cli("put", "-v", version, "zeros", "padded-value");
        strictEqual(r.code, 2, `-v ${version}: ${r.stderr}`);
        match(r.stderr, /has a leading zero: it would be a second spelling of version \d+/);
      }
      strictEqual((await cli("list")).stdout, "");
      // Another writer (the original allowed it) stored both spellings of version 1.
      strictEqual((await cli("put", "-v", "1", "zeros", "plain-one")).code, 0);
      await store.write("zeros", "01", await store.read("zeros", "1"));
      strictEqual((await cli("put", "-v", "0", "zeros", "version-zero")).code, 0);
      strictEqual((await cli("get", "zeros")).stdout, "plain-one\n");
      strictEqual((await cli("get", "zeros", "-v", "01")).stdout, "plain-one\n");
      strictEqual(
        (await cli("list")).stdout,
        "zeros -- version 0\nzeros -- version 01\nzeros -- version 1\n",
      );
      const next = await cli("put", "-a", "zeros", "two");
      match(next.stderr, /Stored 'zeros' version 2/);
    } finally {
      await store.cleanup();
    }
  });

  Deno.test(`values (${label}): put echoes no value on stderr, whatever the mistake`, async () => {
    const store = await makeStore();
    const home = await Deno.makeTempDir({ prefix: "creds3-values-home-" });
    const env = { HOME: home, ...store.env };
    try {
      const cases: [string[], RegExp][] = [
        // A value that starts with '@' and names no file.
        [["put", "svc/pw", "@xK9#mQ2!vL"], /'@', which names a file, and there is no such file/],
        [["put", "svc/pw", "@~/xK9#mQ2!vL"], /'@', which names a file, and there is no such file/],
        // The value and the name swapped, so the value meets the name's checks.
        [["put", "S3cr3t!Pass", "db/password"], /Credential name has a character other than/],
        [["put", `S3cr3t${"x".repeat(600)}`, "db/password"], /Credential name is 606 characters/],
        [["put", "Se\u0301cr3t", "db/password"], /not in Unicode normal form NFC/],
        [["put", "/S3cr3tPass", "db/password"], /Credential name starts or ends with '\/'/],
      ];
      for (const [args, error] of cases) {
        const r = await runCli(args, { env });
        strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
        match(r.stderr, error);
        for (const part of ["xK9", "S3cr3t", "Se\u0301cr3t"]) {
          ok(!r.stderr.includes(part), `stderr echoes the value: ${r.stderr}`);
        }
      }
    } finally {
      await Deno.remove(home, { recursive: true });
      await store.cleanup();
    }
  });
}

Deno.test("values (moto): an empty value is stored with a known length, without SDK warnings", async () => {
  const [, makeStore] = localAndMoto("creds3-values")[1];
  const store = await makeStore();
  try {
    const put = await runCli(["put", "empty", ""], { env: store.env });
    strictEqual(put.code, 0, put.stderr);
    strictEqual(put.stderr, "Stored 'empty' version 1\n");
    strictEqual((await store.read("empty", "1")).contents, "");
    const get = await runCli(["get", "empty"], { env: store.env });
    strictEqual(get.stdout, "\n");
    strictEqual(get.stderr, "");
  } finally {
    await store.cleanup();
  }
});
