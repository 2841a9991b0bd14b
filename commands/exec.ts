/**
 * `creds3 exec [pattern] [context ...] [--pristine] -- command [args ...]`
 *
 * @module
 */
import { UsageError } from "../lib/core/errors.ts";
import { ExitCode } from "./errors.ts";
import { runCommand } from "../lib/cli/run_command.ts";
import { printWarning } from "./output.ts";
import { outputKeys, parseSelection, readSelection, SELECTION_HELP } from "./selection.ts";
import { withStore } from "./session.ts";
import { commandConfig, defineCommand } from "./global_options.ts";

/** The environment for the child: the secrets over creds3's own (or over just PATH). */
function childEnv(secrets: Record<string, string>, pristine: boolean): Record<string, string> {
  const path = Deno.env.get("PATH");
  const base: Record<string, string> = pristine
    ? (path === undefined ? {} : { PATH: path })
    : Deno.env.toObject();
  for (const [key, value] of Object.entries(secrets)) {
    if (key.includes("=")) {
      throw new UsageError(`Key '${key}' cannot be an environment variable name (it has a '=')`, {
        reason: { type: "key-has-equals" },
      });
    }
    if (value.includes("\0")) {
      throw new UsageError(
        `Secret for '${key}' contains a NUL character, which no environment variable can hold`,
      );
    }
    if (Object.hasOwn(base, key)) printWarning(`secret '${key}' replaces the environment's value`);
  }
  return { ...base, ...secrets };
}

/** The `exec` command. */
export const execCommand = defineCommand({
  name: "exec",
  description: "Run a command with secrets added to its environment",
  arguments: [
    {
      name: "[pattern]",
      description: "names to pass, '*' matching any characters (default: all)",
    },
    { name: "[context...]", description: "encryption context as key=value pairs" },
  ],
  options: [
    {
      flags: "--pristine",
      description: "give the command only the secrets and PATH, nothing else",
    },
    {
      flags: "--strip-prefix <prefix>",
      description: "remove PREFIX from the start of names, e.g. 'app/prod/'",
    },
    {
      flags: "--keep-names",
      description: "use names as variable names as they are, instead of ENV_STYLE",
    },
  ],
  usage: "[options] [pattern] [context...] -- command [args...]",
  // Everything after the first `--` is the command, kept away from creds3's option parser.
  passThrough: true,
  helpAfter: `${SELECTION_HELP}

The command follows '--'; creds3 does not read its arguments. Names become
variable names in upper case with every other character '_' ('app/db-url' is
APP_DB_URL); two names giving one variable are refused. If any selected secret
cannot be read, the command is not started. The command gets creds3's standard
input, output and error, and SIGINT, SIGTERM and SIGHUP; creds3 exits with its
exit code (128 + the signal number if a signal ended it; 127 if it is not
found).

Examples:
  creds3 exec 'app/prod/*' --strip-prefix app/prod/ -- ./server --port 8080
  creds3 exec 'ci/*' env=ci --pristine -- sh -c 'deploy "$CI_TOKEN"'`,
  async run(call) {
    const argv = call.rest;
    if (argv === undefined || argv.length === 0) {
      throw new UsageError("No command to run", { reason: { type: "no-command-to-run" } });
    }
    const { pattern, context } = call.args;
    const { pristine, keepNames, stripPrefix } = call.options;
    const selection = parseSelection(pattern === undefined ? [] : [pattern, ...context]);
    const env = await withStore(commandConfig(call.options), async (opened) => {
      const secrets = await readSelection(opened, selection, {
        outcome: "the command was not started",
      });
      return childEnv(outputKeys(secrets, { env: true, keepNames, stripPrefix }), pristine);
    });
    const code = await runCommand([...argv], { env, clearEnv: pristine });
    if (code !== 0) throw new ExitCode(code);
  },
});
