/**
 * The Python that runs the test moto: `python3` when it has moto's server, else a virtual
 * environment of the project's own (`.tmp/moto-venv`), made with `python3 -m venv` and
 * `pip install 'moto[server]'` the first time, and reused after that.
 *
 * @module
 */

/** Where the project's own moto is installed, relative to the repository. */
export const MOTO_VENV = ".tmp/moto-venv";

/** Options of {@linkcode motoPython}. */
export interface MotoPythonOptions {
  /** The Python to try first, and to make the environment with (default `python3`). */
  python?: string;
  /** The virtual environment's folder (default `<repo>/.tmp/moto-venv`). */
  venv?: string;
  /** Extra environment for `venv` and `pip` (an index, a proxy). */
  env?: Record<string, string>;
  /** Where progress goes (default: stderr). */
  log?: (message: string) => void;
}

/** Whether `python` can import moto's server. */
export async function hasMotoServer(python: string): Promise<boolean> {
  try {
    const out = await new Deno.Command(python, {
      args: ["-c", "import moto.server"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/**
 * The Python to run moto with, setting up the project's virtual environment when the Python at
 * hand lacks moto's server. Throws with the command to run when that cannot be done.
 */
export async function motoPython(repo: string, options: MotoPythonOptions = {}): Promise<string> {
  const python = options.python ?? "python3";
  const log = options.log ?? ((message: string) => console.error(`test: ${message}`));
  if (await hasMotoServer(python)) return python;
  const venv = options.venv ?? `${repo}/${MOTO_VENV}`;
  const venvPython = `${venv}/bin/python3`;
  if (await hasMotoServer(venvPython)) {
    log(`${python} has no moto server: using the one in ${venv}`);
    return venvPython;
  }
  const pipCommand = `${venv}/bin/pip install 'moto[server]'`;
  log(
    `${python} has no moto server: installing it into ${venv} ` +
      `(python3 -m venv, then ${pipCommand}; once, about a minute)`,
  );
  const made = await run(python, ["-m", "venv", venv], options.env);
  if (made.missing) {
    throw new Error(
      `${python} is not installed: moto's server needs Python 3 ` +
        `(Debian: apt-get install python3 python3-venv)`,
    );
  }
  if (!made.ok) {
    throw new Error(
      `'${python} -m venv ${venv}' failed; install Python's venv module ` +
        `(Debian: apt-get install python3-venv), or moto itself: ` +
        `${python} -m pip install 'moto[server]'\n${made.tail}`,
    );
  }
  const pip = await run(
    `${venv}/bin/pip`,
    ["install", "--disable-pip-version-check", "moto[server]"],
    options.env,
  );
  if (!pip.ok) {
    throw new Error(
      `pip could not install moto's server (can it reach its package index?). ` +
        `Run this, then the tests again:\n  ${pipCommand}\npip said:\n${pip.tail}`,
    );
  }
  if (!(await hasMotoServer(venvPython))) {
    throw new Error(`moto's server is still missing in ${venv} after: ${pipCommand}`);
  }
  log(`moto's server installed into ${venv}`);
  return venvPython;
}

async function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ ok: boolean; tail: string; missing?: boolean }> {
  try {
    const out = await new Deno.Command(command, {
      args,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return { ok: out.success, tail: text.trimEnd().split("\n").slice(-12).join("\n") };
  } catch (error) {
    const missing = error instanceof Deno.errors.NotFound;
    return { ok: false, tail: (error as Error).message, missing };
  }
}
