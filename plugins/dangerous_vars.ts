/**
 * Environment variables that a secret must not set unless the user allows it by name: each one
 * makes a shell, the dynamic loader, a language runtime or a common tool load a file or run a
 * program that the value chooses, or changes how a shell reads commands. Whoever may write the
 * store would otherwise run code in every program started with the secrets (`exec`, a sourced
 * `shell` or `dotenv` file).
 *
 * The list cannot be complete (any program may read any variable); it covers what every program
 * passes through (its loader, its shell, its runtime) and the tools that deploy scripts run.
 * Names are compared in upper case (Windows' environment ignores case).
 *
 * @module
 */
import { ExportError } from "../lib/core/errors.ts";

/** Variables refused by their exact name, grouped by what reads them. */
const NAMES: readonly string[] = [
  // POSIX shells, bash and zsh: the command search path, start-up files run by non-interactive
  // shells, word splitting, prompts and options that run or change commands.
  "PATH",
  "ENV",
  "BASH_ENV",
  "IFS",
  "CDPATH",
  "PS1",
  "PS2",
  "PS4",
  "PROMPT_COMMAND",
  "SHELLOPTS",
  "BASHOPTS",
  "ZDOTDIR",
  "FPATH",
  // glibc: character-set conversion modules, loaded as shared libraries.
  "GCONV_PATH",
  "GLIBC_TUNABLES",
  // Windows: which file extensions run, and which shell runs them.
  "PATHEXT",
  "COMSPEC",
  // Language runtimes: options, start-up code and module search paths.
  "NODE_OPTIONS",
  "NODE_PATH",
  "PERL5OPT",
  "PERL5LIB",
  "PERLLIB",
  "PERL5DB",
  "RUBYOPT",
  "RUBYLIB",
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "CLASSPATH",
  "PHPRC",
  "PHP_INI_SCAN_DIR",
  // Tools that run a program the variable names.
  "EDITOR",
  "VISUAL",
  "PAGER",
  "BROWSER",
  "LESSOPEN",
  "LESSCLOSE",
  "SSH_ASKPASS",
  "SUDO_ASKPASS",
  "GIT_SSH",
  "GIT_SSH_COMMAND",
  "GIT_ASKPASS",
  "GIT_EXEC_PATH",
  "GIT_EDITOR",
  "GIT_PAGER",
  "GIT_EXTERNAL_DIFF",
  "GIT_PROXY_COMMAND",
];

/** Variables refused by their start: families of the dynamic loaders and runtimes. */
const PREFIXES: readonly string[] = [
  // glibc's and musl's loader (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT...), macOS's dyld.
  "LD_",
  "DYLD_",
  // Python: PYTHONPATH, PYTHONSTARTUP, PYTHONHOME, PYTHONBREAKPOINT...
  "PYTHON",
  // bash's exported functions (BASH_FUNC_name%%), run as commands of that name.
  "BASH_FUNC_",
  // git configuration given in the environment (GIT_CONFIG_COUNT, GIT_CONFIG_KEY_0...), which
  // can name programs to run (core.sshCommand, core.fsmonitor).
  "GIT_CONFIG",
  // Lua's start-up code and module paths, also versioned (LUA_INIT_5_4...).
  "LUA_INIT",
  "LUA_PATH",
  "LUA_CPATH",
];

/** Every refused name, families as `PREFIX*`, for help and documentation. */
export const DANGEROUS_VARIABLES: readonly string[] = Object.freeze([
  ...NAMES,
  ...PREFIXES.map((prefix) => `${prefix}*`),
]);

/**
 * Whether setting the variable `name` can make programs load or run code the value chooses
 * (see the module documentation). Case is ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isDangerousVariable } from "./dangerous_vars.ts";
 *
 * assert.equal(isDangerousVariable("LD_PRELOAD"), true);
 * assert.equal(isDangerousVariable("path"), true);
 * assert.equal(isDangerousVariable("DB_PASSWORD"), false);
 * ```
 */
export function isDangerousVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return NAMES.includes(upper) || PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/**
 * Refuses keys that are dangerous variables (see {@linkcode isDangerousVariable}), except those
 * in `allowed` (compared ignoring case). Call it before anything is written or started.
 *
 * @param keys The variable names about to be set.
 * @param allowed Names the user allowed one by one.
 * @throws {ExportError} Naming every refused key, sorted, with the reason `dangerous-variable`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseDangerousVariables } from "./dangerous_vars.ts";
 *
 * refuseDangerousVariables(["DB_URL", "PATH"], ["PATH"]); // passes: PATH is allowed
 * assert.throws(() => refuseDangerousVariables(["BASH_ENV", "DB_URL"]), /'BASH_ENV'/);
 * ```
 */
export function refuseDangerousVariables(
  keys: Iterable<string>,
  allowed: Iterable<string> = [],
): void {
  const allow = new Set([...allowed].map((name) => name.toUpperCase()));
  const refused = [...keys]
    .filter((key) => isDangerousVariable(key) && !allow.has(key.toUpperCase()))
    .sort();
  if (refused.length === 0) return;
  const names = refused.map((key) => `'${key}'`).join(", ");
  throw new ExportError(
    `${refused.length === 1 ? "Variable" : "Variables"} ${names} can make programs load or run ` +
      "code that the value chooses, so no secret sets " +
      `${refused.length === 1 ? "it" : "them"} unless allowed by name`,
    { reason: { type: "dangerous-variable", keys: refused } },
  );
}
