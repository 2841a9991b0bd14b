/**
 * Running a command as a child process that stands in for creds3: same terminal, given
 * environment, signals passed on, its exit status returned.
 *
 * @module
 */
import { Creds3Error, osErrorCode } from "../core/errors.ts";
import { argumentSpace, argumentSpaceLimit } from "./child_env.ts";

/** Signals passed on to the child while it runs. */
export const FORWARDED_SIGNALS: readonly Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * The command could not be started: its reason is `command-not-found` or `command-not-runnable`
 * (shells exit 127 and 126 for them).
 */
export class CommandStartError extends Creds3Error {}

/** Options of {@linkcode runCommand}. */
export interface RunCommandOptions {
  /** Variables added to (or replacing) the environment. */
  env: Record<string, string>;
  /** Start from an empty environment: the child gets only `env`. */
  clearEnv?: boolean;
}

/**
 * Runs `argv` with standard input, output and error inherited, passing SIGINT, SIGTERM and
 * SIGHUP on to it, and returns its exit code: the code it exited with, or 128 plus the signal
 * number when a signal ended it (as shells report it).
 *
 * @throws {CommandStartError} When the command does not exist or cannot be run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runCommand } from "./run_command.ts";
 *
 * assert.equal(await runCommand(["sh", "-c", 'exit "$CODE"'], { env: { CODE: "3" } }), 3);
 * ```
 */
export async function runCommand(
  argv: readonly string[],
  options: RunCommandOptions,
): Promise<number> {
  const [program, ...args] = argv;
  // Listen before spawning, so no signal in between ends creds3 and leaves the child behind.
  let child: Deno.ChildProcess | undefined;
  let pending: Deno.Signal | undefined;
  const forward = new Map<Deno.Signal, () => void>();
  for (const signal of FORWARDED_SIGNALS) {
    const listener = () => {
      if (child === undefined) pending ??= signal;
      else {
        try {
          child.kill(signal);
        } catch {
          // The child has already exited.
        }
      }
    };
    Deno.addSignalListener(signal, listener);
    forward.set(signal, listener);
  }
  try {
    child = spawn(program, args, options);
    if (pending !== undefined) child.kill(pending);
    // Deno reports a signal death as 128 + the platform's signal number, as shells do.
    return (await child.status).code;
  } finally {
    for (const [signal, listener] of forward) Deno.removeSignalListener(signal, listener);
  }
}

function spawn(program: string, args: string[], options: RunCommandOptions): Deno.ChildProcess {
  try {
    return new Deno.Command(program, {
      args,
      env: options.env,
      clearEnv: options.clearEnv ?? false,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new CommandStartError(`Command '${program}' not found`, {
        reason: { type: "command-not-found" },
        code: osErrorCode(error),
        cause: error,
      });
    }
    const why = error instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : osErrorCode(error) === "E2BIG"
      ? tooLarge(program, args, options)
      : (error as Error).message.replace(/^Failed to spawn '[^']*': /, "");
    throw new CommandStartError(`Cannot run command '${program}': ${why}`, {
      reason: { type: "command-not-runnable" },
      code: osErrorCode(error),
      cause: error,
    });
  }
}

/** Why the system refused to start a program with these arguments and environment (E2BIG). */
function tooLarge(program: string, args: string[], options: RunCommandOptions): string {
  const env = options.clearEnv ? options.env : { ...Deno.env.toObject(), ...options.env };
  const bytes = argumentSpace([program, ...args], env);
  const limit = argumentSpaceLimit();
  const allowed = limit === undefined
    ? "more than the system allows to start a program"
    : `more than Linux allows to start a program (a quarter of the stack size limit, ` +
      `'ulimit -s': here at most ${limit} bytes)`;
  return `its arguments and environment take ${bytes} bytes, ${allowed}`;
}
