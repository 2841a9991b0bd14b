/** Variables a secret may not set unless allowed by name (`plugins/dangerous_vars.ts`). */
import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { ExportError } from "../../lib/core/errors.ts";
import {
  DANGEROUS_VARIABLES,
  isDangerousVariable,
  refuseDangerousVariables,
} from "../../plugins/dangerous_vars.ts";
import { dotenvExporter } from "../../plugins/dotenv.ts";
import { shellExporter } from "../../plugins/shell.ts";

Deno.test("dangerous variables: the loader, shells and runtimes, by name and by family", () => {
  for (
    const name of [
      "PATH",
      "LD_PRELOAD",
      "LD_LIBRARY_PATH",
      "LD_AUDIT",
      "DYLD_INSERT_LIBRARIES",
      "BASH_ENV",
      "ENV",
      "IFS",
      "PS4",
      "PROMPT_COMMAND",
      "NODE_OPTIONS",
      "PYTHONPATH",
      "PYTHONSTARTUP",
      "PERL5OPT",
      "RUBYOPT",
      "JAVA_TOOL_OPTIONS",
      "GCONV_PATH",
      "SHELLOPTS",
      "BASHOPTS",
      "PERL5LIB",
      "RUBYLIB",
      "NODE_PATH",
      "BASH_FUNC_ls%%",
      "GIT_SSH_COMMAND",
      "GIT_CONFIG_KEY_0",
      // Case is ignored: Windows' environment ignores it.
      "path",
      "Ld_Preload",
    ]
  ) {
    ok(isDangerousVariable(name), name);
  }
  for (const name of ["DB_URL", "HOME", "APP_PATH", "MY_LD_PRELOAD", "PYTHO", "TOKEN", "ENVIRON"]) {
    equal(isDangerousVariable(name), false, name);
  }
  ok(DANGEROUS_VARIABLES.includes("LD_*") && DANGEROUS_VARIABLES.includes("PYTHON*"));
  ok(DANGEROUS_VARIABLES.includes("PATH"));
});

Deno.test("dangerous variables: refused together, sorted, unless each is allowed", () => {
  throws(
    () => refuseDangerousVariables(["PATH", "DB_URL", "BASH_ENV"]),
    (e: unknown) => {
      ok(e instanceof ExportError);
      deepStrictEqual(e.reason, { type: "dangerous-variable", keys: ["BASH_ENV", "PATH"] });
      equal(
        e.message,
        "Variables 'BASH_ENV', 'PATH' can make programs load or run code that the value " +
          "chooses, so no secret sets them unless allowed by name",
      );
      return true;
    },
  );
  throws(() => refuseDangerousVariables(["PATH", "BASH_ENV"], ["path"]), /'BASH_ENV'/);
  refuseDangerousVariables(["PATH", "BASH_ENV", "DB_URL"], ["BASH_ENV", "PATH"]);
  refuseDangerousVariables([]);
});

Deno.test("dangerous variables: the shell and dotenv formats refuse them, or write them when allowed", () => {
  for (const format of [shellExporter, dotenvExporter]) {
    throws(() => format.render({ LD_PRELOAD: "/tmp/x.so", DB_URL: "db" }), /'LD_PRELOAD'/);
    ok(format.render({ LD_PRELOAD: "/tmp/x.so" }, { allowVars: ["LD_PRELOAD"] }).includes("LD_"));
  }
});

Deno.test("dangerous variables: docs/EXPORT.md lists exactly the refused names", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/EXPORT.md", import.meta.url));
  const section = doc.split("## Variables that run code")[1].split("\n## ")[0];
  const table = section.split("\n").filter((line) => line.startsWith("| ") && line.includes("`"));
  const listed = table.flatMap((line) => [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
  deepStrictEqual([...listed].sort(), [...DANGEROUS_VARIABLES].sort());
});
