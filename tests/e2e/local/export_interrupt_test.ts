/**
 * `export -o FILE` interrupted while its temporary file is being written (SIGINT, SIGTERM):
 * the temporary file, mode 0600 with plaintext in it, is removed, the target is not created,
 * and creds3 dies by the signal. The output is large, so the window between creating the
 * temporary file and renaming it is long enough to signal inside it.
 */
import { equal, ok } from "node:assert/strict";
import { localBackend } from "../../helpers/backends.ts";
import { cliArgv, cliEnv, REPO_ROOT, runCli } from "../../helpers/cli.ts";

const ATTEMPTS = 8;

function temporaryFiles(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".tmp"));
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`export -o: ${signal} while the output is written leaves no temporary file`, async () => {
    if (Deno.build.os === "windows") {
      throw new Error("this test sends POSIX signals: it cannot run on Windows");
    }
    const store = await localBackend();
    try {
      const value = `${store.home}/value`;
      await Deno.writeTextFile(value, "made-up-secret-".repeat(600_000));
      const put = await runCli(["put", "big/blob", `@${value}`], { env: store.env });
      equal(put.code, 0, put.stderr);
      await Deno.remove(value);
      const outDir = await Deno.makeTempDir({ dir: store.home, prefix: "out-" });
      const target = `${outDir}/big.json`;
      let interrupted = 0;
      for (let attempt = 0; attempt < ATTEMPTS && interrupted < 2; attempt++) {
        const [command, ...args] = cliArgv(["export", "big/*", "-f", "json", "-o", target]);
        const child = new Deno.Command(command, {
          args,
          cwd: REPO_ROOT,
          clearEnv: true,
          env: cliEnv(store.env),
          stdin: "null",
          stdout: "null",
          stderr: "null",
        }).spawn();
        // Signal as soon as the temporary file exists: inside the write.
        let seen = false;
        const deadline = Date.now() + 30_000;
        while (!seen && Date.now() < deadline) {
          seen = temporaryFiles(outDir).length > 0;
          if (!seen) await new Promise((resolve) => setTimeout(resolve, 1));
        }
        ok(seen, "the temporary file never appeared");
        child.kill(signal);
        const status = await child.status;
        if (status.success) {
          // The rename won the race: the file is complete. Try again.
          await Deno.remove(target);
          continue;
        }
        interrupted++;
        equal(status.signal, signal, `exit code ${status.code}, not the signal`);
        equal(temporaryFiles(outDir).join(", "), "", "a temporary file was left behind");
        equal(await Deno.stat(target).then(() => true, () => false), false);
      }
      ok(interrupted > 0, `no attempt was signalled inside the write in ${ATTEMPTS}`);
    } finally {
      await store.cleanup();
    }
  });
}
