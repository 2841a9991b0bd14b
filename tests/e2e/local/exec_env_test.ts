/**
 * What `exec` and the environment formats let a secret do to the programs they feed: a secret
 * may not set a variable that makes programs run other code (`BASH_ENV`, `LD_PRELOAD`, `PATH`...)
 * unless allowed by name; creds3's own AWS credentials stay out of the command with
 * `--no-aws-env`; a value too large for one environment variable is named before anything
 * starts. All on the local store; every secret is made up.
 */
import { equal, match, ok } from "node:assert/strict";
import { localBackend, withBackend } from "../../helpers/backends.ts";
import { runCli } from "../../helpers/cli.ts";

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("exec and export: variables that run code are refused unless allowed by name", async () => {
  await withBackend(localBackend, async (store, cli) => {
    // A writer plants a script and points BASH_ENV at it: every non-interactive bash runs it.
    const planted = `${store.home}/planted.sh`;
    const marker = `${store.home}/planted-ran`;
    await Deno.writeTextFile(planted, `echo planted > '${marker}'\n`);
    equal((await cli("put", "svc/bash_env", planted)).code, 0);
    equal((await cli("put", "svc/db_url", "postgres://db.example/svc")).code, 0);

    const bash = ["--", "bash", "-c", 'echo "child ran with $DB_URL"'];
    const refused = await cli("exec", "svc/*", "--strip-prefix", "svc/", ...bash);
    equal(refused.code, 2, refused.stderr);
    equal(refused.stdout, "", "the command was started");
    equal(await exists(marker), false, "the planted script ran");
    match(
      refused.stderr,
      /error: 'svc\/bash_env': Variable 'BASH_ENV' can make programs load or run code/,
    );
    match(refused.stderr, /hint: .*--allow-var BASH_ENV/);
    ok(!refused.stderr.includes(planted), "a value was printed");

    // --pristine does not let a secret replace PATH either.
    equal((await cli("put", "tools/path", `${store.home}/bin`)).code, 0);
    const pristine = await cli(
      "exec",
      "tools/*",
      "--strip-prefix",
      "tools/",
      "--pristine",
      "--",
      "true",
    );
    equal(pristine.code, 2, pristine.stderr);
    match(pristine.stderr, /Variable 'PATH' can make programs/);

    // --keep-names: case does not matter (Windows ignores it).
    equal((await cli("put", "ld_preload", "/tmp/evil.so")).code, 0);
    const kept = await cli("exec", "ld_*", "--keep-names", "--", "true");
    equal(kept.code, 2, kept.stderr);
    match(kept.stderr, /'ld_preload'/);

    // Allowed one by one, the command runs with it.
    const allowed = await cli(
      "exec",
      "svc/*",
      "--strip-prefix",
      "svc/",
      "--allow-var",
      "BASH_ENV",
      ...bash,
    );
    equal(allowed.code, 0, allowed.stderr);
    equal(allowed.stdout, "child ran with postgres://db.example/svc\n");
    equal(await exists(marker), true, "BASH_ENV, allowed, was not set");
    await Deno.remove(marker);

    // export -f shell and dotenv: nothing printed, no file written, unless allowed.
    const out = `${store.home}/svc.env`;
    for (const format of ["shell", "dotenv"]) {
      for (const output of [[], ["-o", out]]) {
        const r = await cli("export", "svc/*", "--strip-prefix", "svc/", "-f", format, ...output);
        equal(r.code, 2, r.stderr);
        equal(r.stdout, "");
        match(r.stderr, /Variable 'BASH_ENV' can make programs/);
        match(r.stderr, /hint: .*--allow-var BASH_ENV/);
        equal(await exists(out), false);
      }
      const ok2 = await cli(
        "export",
        "svc/*",
        "--strip-prefix",
        "svc/",
        "-f",
        format,
        "--allow-var",
        "bash_env",
      );
      equal(ok2.code, 0, ok2.stderr);
      match(ok2.stdout, /BASH_ENV=/);
    }
    // Formats that set no variables need no allowing, and refuse the option.
    equal((await cli("export", "svc/*", "--strip-prefix", "svc/", "-f", "json")).code, 0);
    const json = await cli("export", "svc/*", "-f", "json", "--allow-var", "PATH");
    equal(json.code, 2);
    match(json.stderr, /--allow-var is only for/);
    // getall cannot select or allow: it points to export.
    const getall = await cli("getall", "-f", "shell");
    equal(getall.code, 2, getall.stderr);
    equal(getall.stdout, "");
    // (getall keeps the folders: svc/bash_env is SVC_BASH_ENV, only ld_preload is refused.)
    match(getall.stderr, /Variable 'LD_PRELOAD' can make programs/);
    match(getall.stderr, /hint: .*creds3 export.*--allow-var/);
  });
});

Deno.test("export: a binary secret is base64 text in an allowed variable and bytes in k8s", async () => {
  await withBackend(localBackend, async (store, cli) => {
    // Bytes that are not text: a leading byte order mark, NUL, 0xff.
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x00, 0xff, 0x0a, 0x80]);
    await Deno.writeFile(`${store.home}/blob.bin`, bytes);
    const put = await cli("put", "lib/ld_preload", `@${store.home}/blob.bin`, "--binary");
    equal(put.code, 0, put.stderr);
    equal((await cli("put", "lib/mode", "strict")).code, 0);
    const base64 = btoa(String.fromCharCode(...bytes));
    const select = ["export", "lib/*", "--strip-prefix", "lib/"];

    const refused = await cli(...select, "-f", "dotenv");
    equal(refused.code, 2, refused.stderr);
    equal(refused.stdout, "");
    match(refused.stderr, /Variable 'LD_PRELOAD' can make programs/);
    const allowed = await cli(...select, "-f", "dotenv", "--allow-var", "LD_PRELOAD");
    equal(allowed.code, 0, allowed.stderr);
    equal(allowed.stdout, `LD_PRELOAD='${base64}'\nMODE='strict'\n`);

    // k8s sets no variable: it needs no allowing, refuses --allow-var, and holds the bytes.
    const k8s = await cli(...select, "-f", "k8s", "--name", "lib");
    equal(k8s.code, 0, k8s.stderr);
    match(k8s.stdout, new RegExp(`ld_preload: "${base64.replace(/[+/]/g, "\\$&")}"`));
    match(k8s.stdout, /mode: "c3RyaWN0"/);
    const both = await cli(...select, "-f", "k8s", "--name", "lib", "--allow-var", "LD_PRELOAD");
    equal(both.code, 2, both.stderr);
    equal(both.stdout, "");
    match(both.stderr, /--allow-var is only for formats that set variables/);
  });
});

Deno.test("exec: a value too large for one environment variable is named before anything starts", async () => {
  if (Deno.build.os !== "linux") {
    throw new Error("this test needs Linux: the limit on one variable (MAX_ARG_STRLEN) is Linux's");
  }
  await withBackend(localBackend, async (store, cli) => {
    // "BIG_BLOB=" is 9 bytes: with the final NUL, 131,062 bytes of value fill 131,072 exactly.
    const file = `${store.home}/value`;
    await Deno.writeTextFile(file, "v".repeat(131_062));
    equal((await cli("put", "big/blob", `@${file}`)).code, 0);
    const marker = `${store.home}/ran`;
    const touch = ["--", "sh", "-c", 'echo ran > "$1"', "sh", marker];
    const fits = await cli("exec", "big/*", ...touch);
    equal(fits.code, 0, fits.stderr);
    equal(await exists(marker), true);
    await Deno.remove(marker);

    await Deno.writeTextFile(file, "v".repeat(131_063));
    equal((await cli("put", "big/blob", "-v", "2", `@${file}`)).code, 0);
    const big = await cli("exec", "big/*", ...touch);
    equal(big.code, 1, big.stderr);
    equal(big.stdout, "");
    equal(await exists(marker), false, "the command was started");
    match(
      big.stderr,
      /error: 'big\/blob': Variable 'BIG_BLOB' is too large for the environment: 'BIG_BLOB=value' takes 131073 bytes, and Linux allows 131072 for one variable/,
    );
    match(big.stderr, /hint: pass it in a file instead/);
    ok(!big.stderr.includes("Argument list too long"), big.stderr);
  });
});

Deno.test("exec: arguments and environment together too large name the sizes, not 'argument list'", async () => {
  if (Deno.build.os !== "linux") {
    throw new Error("this test needs Linux: it sets the stack size limit that bounds them");
  }
  await withBackend(localBackend, async (store) => {
    const file = `${store.home}/value`;
    await Deno.writeTextFile(file, "v".repeat(100_000));
    for (const n of [1, 2, 3, 4, 5, 6]) {
      equal((await runCli(["put", `env/part${n}`, `@${file}`], { env: store.env })).code, 0);
    }
    // A stack limit of 2 MiB lets a program start with at most 512 KiB of arguments and
    // environment: creds3 starts, six 100 KB secrets do not fit.
    const r = await runCli(["exec", "env/*", "--", "true"], {
      env: store.env,
      wrapper: ["sh", "-c", 'ulimit -s 2048 && exec "$@"', "sh"],
    });
    equal(r.code, 126, r.stderr);
    match(
      r.stderr,
      /error: Cannot run command 'true': its arguments and environment take \d+ bytes, more than Linux allows to start a program \(a quarter of the stack size limit, 'ulimit -s': here at most 524288 bytes\)/,
    );
  });
});

Deno.test("exec --no-aws-env: creds3's AWS credentials stay out of the command", async () => {
  const made = {
    AWS_ACCESS_KEY_ID: "AKIAMADEUPEXAMPLE0001",
    AWS_SECRET_ACCESS_KEY: "made-up-secret-access-key-for-the-test",
    AWS_SESSION_TOKEN: "made-up-session-token",
    AWS_PROFILE: "made-up-profile",
    AWS_REGION: "eu-west-1",
  };
  await withBackend(localBackend, async (store) => {
    const env = { ...store.env, ...made };
    equal((await runCli(["put", "app/token", "t-0042"], { env })).code, 0);
    const print = ["--", "sh", "-c", "env | grep -E '^(AWS_|APP_)' | sort"];
    const passed = await runCli(["exec", "app/*", ...print], { env });
    equal(passed.code, 0, passed.stderr);
    match(passed.stdout, /AWS_SECRET_ACCESS_KEY=made-up-secret/, "the default passes them on");
    const dropped = await runCli(["exec", "app/*", "--no-aws-env", ...print], { env });
    equal(dropped.code, 0, dropped.stderr);
    equal(dropped.stdout, "APP_TOKEN=t-0042\nAWS_REGION=eu-west-1\n");
  });
});
