/**
 * The JSDoc examples of the library (`mod.ts`, `lib/`, `plugins/`, `commands/`) and the
 * README's TypeScript blocks run as tests:
 * `deno task test:doc`, run here so the one test run covers them.
 */
import { match, ok, strictEqual } from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { runCommand } from "../helpers/cli.ts";

Deno.test("docs: every JSDoc example passes deno test --doc", async () => {
  const task = denoJson.tasks["test:doc"];
  match(task, /^deno test --frozen -A --doc README\.md mod\.ts lib\/ plugins\/ commands\/$/);
  const args = task.split(" ").slice(1);
  const out = await runCommand(Deno.execPath(), args);
  // deno-lint-ignore no-control-regex
  const text = out.stdout.replace(/\x1b\[[0-9;]*m/g, "");
  const summary = text.match(/^(ok|FAILED) \| (\d+) passed \| (\d+) failed/m);
  const stderr = out.stderr;
  strictEqual(out.code, 0, `deno test --doc failed:\n${text.slice(-4000)}\n${stderr.slice(-2000)}`);
  ok(summary, `no summary from deno test --doc:\n${text.slice(-2000)}`);
  strictEqual(summary[3], "0");
  // The library entry point's examples are among them.
  ok(Number(summary[2]) >= 20, `only ${summary[2]} examples ran`);
  match(text, /running \d+ tests? from \.\/mod\.ts/);
  match(text, /running \d+ tests? from \.\/README\.md/);
});
