/**
 * `creds3 exec [pattern] [context ...] [--pristine] [--no-aws-env] -- command [args ...]`
 *
 * @module
 */
import { UsageError } from "../lib/core/errors.ts";
import { ExitCode } from "./errors.ts";
import { runCommand } from "../lib/cli/run_command.ts";
import { childEnv } from "./exec_env.ts";
import { parseSelection, readSelection, SELECTION_HELP } from "./selection.ts";
import { withStore } from "./session.ts";
import { commandConfig, defineCommand } from "./global_options.ts";
import { CONTEXT_OPERAND } from "./operands.ts";

/** The `exec` command. */
export const execCommand = defineCommand({
  name: "exec",
  description: "Run a command with secrets added to its environment",
  arguments: [
    {
      name: "[pattern]",
      description: "names to pass, '*' matching any characters (default: all)",
    },
    CONTEXT_OPERAND,
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
    {
      flags: "--allow-var <name>",
      description: "let a secret set this variable although it can run code, e.g. PATH " +
        "(repeatable)",
      collect: (name: string, previous: string[] = []) => [...previous, name],
    },
    {
      flags: "--no-aws-env",
      description: "leave creds3's own AWS credential variables out of the command's environment",
    },
  ],
  usage: "[options] [pattern] [context...] -- command [args...]",
  // Everything after the first `--` is the command, kept away from creds3's option parser.
  passThrough: true,
  helpAfter: `${SELECTION_HELP}

The command follows '--'; creds3 does not read its arguments. Names become
variable names in upper case with every other character '_' ('app/db-url' is
APP_DB_URL); two names giving one variable are refused, and so are variables
that make programs run other code (PATH, LD_*, DYLD_*, BASH_ENV, ENV, IFS, PS4,
PROMPT_COMMAND, NODE_OPTIONS, PYTHON*, PERL5OPT, RUBYOPT, JAVA_TOOL_OPTIONS,
GCONV_PATH and more: see docs/EXPORT.md) unless allowed one by one with
--allow-var NAME. If any selected secret cannot be read, or a value is too
large for one environment variable, the command is not started. The command
gets creds3's standard input, output and error, and SIGINT, SIGTERM and
SIGHUP; creds3 exits with its exit code (128 + the signal number if a signal
ended it; 127 if it is not found).

Without --pristine the command also gets creds3's own environment, AWS
credentials included; --no-aws-env leaves out the variables that hold or point
to them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE and the like).

Examples:
  creds3 exec 'app/prod/*' --strip-prefix app/prod/ -- ./server --port 8080
  creds3 exec 'ci/*' env=ci --pristine -- sh -c 'deploy "$CI_TOKEN"'`,
  async run(call) {
    const argv = call.rest;
    if (argv === undefined || argv.length === 0) {
      throw new UsageError("No command to run", { reason: { type: "no-command-to-run" } });
    }
    const { pattern, context } = call.args;
    const { pristine, keepNames, stripPrefix, allowVar, noAwsEnv } = call.options;
    const selection = parseSelection(pattern === undefined ? [] : [pattern, ...context]);
    const env = await withStore(commandConfig(call.options), async (opened) => {
      const secrets = await readSelection(opened, selection, {
        outcome: "the command was not started",
      });
      return childEnv(secrets, {
        env: true,
        keepNames,
        stripPrefix,
        pristine,
        noAwsEnv,
        allowVars: allowVar,
      });
    });
    // `env` is the whole environment (creds3's own already in it, unless left out).
    const code = await runCommand([...argv], { env, clearEnv: true });
    if (code !== 0) throw new ExitCode(code);
  },
});
