/**
 * Runs a composite GitHub Action's steps on this machine the way a runner would, for tests:
 * the inputs with their defaults, `${{ }}` expressions in `env:` (only `inputs.*`,
 * `steps.<id>.outputs.*` and `github.*`), each `shell: bash` step as
 * `bash --noprofile --norc -eo pipefail` in a clean environment, the `$GITHUB_OUTPUT` of each
 * step read back, `$GITHUB_ENV` and `$GITHUB_PATH` kept for the caller to read. The first step
 * that fails ends the run, as in a job.
 *
 * @module
 */
import { parse } from "yaml";
import { githubEnvRecord, parseGithubEnv } from "./github_runner.ts";

/** The parts of `action.yml` that are read. */
export interface ActionFile {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

/** One step of a composite action. */
export interface ActionStep {
  id?: string;
  name?: string;
  shell?: string;
  env?: Record<string, string>;
  run?: string;
  uses?: string;
}

/** What one step did. */
export interface StepResult {
  id: string;
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/** What the action did. */
export interface ActionRun {
  /** 0, or the exit code of the step that failed. */
  code: number;
  /** The steps that ran, the failed one last. */
  steps: StepResult[];
  /** The action's outputs (after every step succeeded). */
  outputs: Record<string, string>;
  /** The runner's files after the run. */
  githubEnv: string;
  githubPath: string;
}

/** How to run the action. */
export interface RunActionOptions {
  /** The `with:` inputs; one the action does not declare is an error. */
  inputs?: Record<string, string>;
  /** The job's environment (PATH, HOME, RUNNER_OS, AWS_* ...): nothing else is inherited. */
  env: Record<string, string>;
  /** The `github` context's values (default: `action_repository` `OWNER/creds3`). */
  github?: Record<string, string>;
  /** A folder for the runner's files; `GITHUB_ENV` and `RUNNER_TEMP` live there. */
  dir: string;
  /** The folder holding `action.yml` (`GITHUB_ACTION_PATH`). */
  actionPath: string;
}

/** Reads and parses `action.yml` from a folder. */
export async function readAction(actionPath: string): Promise<ActionFile> {
  return parse(await Deno.readTextFile(`${actionPath}/action.yml`)) as ActionFile;
}

function evaluate(text: string, context: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    if (!Object.hasOwn(context, expression)) {
      throw new Error(`unsupported expression or unknown value: \${{ ${expression} }}`);
    }
    return context[expression];
  });
}

/** Runs the composite action in `options.actionPath`. */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const action = await readAction(options.actionPath);
  if (action.runs.using !== "composite") throw new Error(`not composite: ${action.runs.using}`);
  const context: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    context[`inputs.${name}`] = spec.default ?? "";
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    if (!Object.hasOwn(action.inputs, name)) throw new Error(`unexpected input '${name}'`);
    context[`inputs.${name}`] = value;
  }
  const github = { action_repository: "OWNER/creds3", ...options.github };
  for (const [name, value] of Object.entries(github)) {
    context[`github.${name}`] = value;
  }
  const files = {
    GITHUB_ENV: `${options.dir}/github_env`,
    GITHUB_PATH: `${options.dir}/github_path`,
    RUNNER_TEMP: `${options.dir}/runner_temp`,
    GITHUB_WORKSPACE: `${options.dir}/workspace`,
  };
  await Deno.mkdir(files.RUNNER_TEMP, { recursive: true });
  await Deno.mkdir(files.GITHUB_WORKSPACE, { recursive: true });
  await Deno.writeTextFile(files.GITHUB_ENV, "", { append: true });
  await Deno.writeTextFile(files.GITHUB_PATH, "", { append: true });
  const steps: StepResult[] = [];
  let code = 0;
  for (const [index, step] of action.runs.steps.entries()) {
    if (step.shell !== "bash" || step.run === undefined) {
      throw new Error(`step ${index} is not a 'shell: bash' run step`);
    }
    const id = step.id ?? `step${index}`;
    const output = `${options.dir}/github_output_${index}`;
    await Deno.writeTextFile(output, "");
    const script = `${options.dir}/step_${index}.sh`;
    await Deno.writeTextFile(script, evaluate(step.run, context));
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v), context)]),
    );
    const result = await new Deno.Command("bash", {
      args: ["--noprofile", "--norc", "-eo", "pipefail", script],
      cwd: files.GITHUB_WORKSPACE,
      clearEnv: true,
      env: {
        ...options.env,
        ...files,
        GITHUB_OUTPUT: output,
        GITHUB_ACTION_PATH: options.actionPath,
        ...stepEnv,
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const outputs = githubEnvRecord(parseGithubEnv(await Deno.readTextFile(output)));
    for (const [name, value] of Object.entries(outputs)) {
      context[`steps.${id}.outputs.${name}`] = value;
    }
    const text = new TextDecoder();
    steps.push({
      id,
      code: result.code,
      stdout: text.decode(result.stdout),
      stderr: text.decode(result.stderr),
      outputs,
    });
    if (result.code !== 0) {
      code = result.code;
      break;
    }
  }
  const outputs = code !== 0 ? {} : Object.fromEntries(
    Object.entries(action.outputs ?? {}).map((
      [name, spec],
    ) => [name, evaluate(spec.value, context)]),
  );
  return {
    code,
    steps,
    outputs,
    githubEnv: await Deno.readTextFile(files.GITHUB_ENV),
    githubPath: await Deno.readTextFile(files.GITHUB_PATH),
  };
}
