/**
 * The GitHub Action (action.yml with scripts/action/*.sh), run on this machine as a runner
 * would run it (tests/helpers/composite_action.ts), against release folders made here: fake
 * binaries (scripts running main.ts) with SHA256SUMS written by the release workflow's own
 * command. Then the names the action downloads against the names the release workflow
 * publishes, and the README's workflow example against the action's inputs. Secrets are made up.
 */
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { parse } from "yaml";
import denoJson from "../../deno.json" with { type: "json" };
import { assetName, PERMISSIONS, TARGETS } from "../../scripts/compile.ts";
import { denoDir, MAIN_TS, REPO_ROOT, runCli } from "../helpers/cli.ts";
import { type ActionRun, readAction, runAction } from "../helpers/composite_action.ts";
import { assertMasks, githubEnvRecord, parseGithubEnv } from "../helpers/github_runner.ts";
import { motoBucketAndKey, seededLocalStore } from "../helpers/backends.ts";
import { awsEnv } from "../helpers/moto.ts";
import { withCleanup } from "../helpers/scoped.ts";

const VERSION = denoJson.version;
const INPUTS = ["location", "key", "region", "pattern", "context", "strip-prefix", "version"];

interface WorkflowStep {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  permissions?: Record<string, string>;
  jobs: Record<string, { permissions?: Record<string, string>; steps: WorkflowStep[] }>;
}

async function releaseWorkflow(): Promise<Workflow> {
  return parse(await Deno.readTextFile(`${REPO_ROOT}/.github/workflows/release.yml`)) as Workflow;
}

/** The release workflow's step named `name` in job `job`. */
async function workflowStep(job: string, name: RegExp): Promise<WorkflowStep> {
  const step = (await releaseWorkflow()).jobs[job].steps.find((s) => name.test(s.name ?? ""));
  ok(step?.run, `release.yml has no step ${name} in job ${job}`);
  return step;
}

/** The asset names the release workflow checks it built (and then publishes). */
async function publishedAssets(): Promise<string[]> {
  const step = await workflowStep("build", /^Every release asset was built$/);
  const list = step.run!.match(/for asset in ([^;]+);/);
  ok(list, "the step lists the assets");
  return list[1].trim().split(/\s+/);
}

/** A program that runs main.ts: it reports deno.json's version, as the real binary would. */
function fakeBinary(note: string): string {
  return `#!/bin/sh\n# ${note}\nDENO_DIR='${denoDir()}' exec '${Deno.execPath()}' run ${
    PERMISSIONS.join(" ")
  } --quiet '${MAIN_TS}' "$@"\n`;
}

/**
 * A release folder `<root>/v<version>/` with every published asset and a SHA256SUMS made by
 * the release workflow's own checksum step; returns the base URL (`file://<root>`).
 */
async function fakeRelease(root: string, version = VERSION): Promise<string> {
  const dir = `${root}/v${version}`;
  await Deno.mkdir(dir, { recursive: true });
  for (const asset of await publishedAssets()) {
    await Deno.writeTextFile(`${dir}/${asset}`, fakeBinary(asset), { mode: 0o755 });
  }
  const checksums = await workflowStep("build", /^SHA-256 checksums$/);
  const out = await new Deno.Command("bash", { args: ["-c", checksums.run!], cwd: dir }).output();
  ok(out.success, new TextDecoder().decode(out.stderr));
  return `file://${root}`;
}

/** The environment of a Linux X64 job. */
function jobEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    RUNNER_OS: "Linux",
    RUNNER_ARCH: "X64",
    ...extra,
  };
}

/** A local store with `secrets` (context env=prod) and a scratch folder, all in one temp dir. */
const scratch = (secrets: Record<string, string> = {}) =>
  seededLocalStore("creds3-action-", secrets, { env: "prod" });

function failedWith(run: ActionRun, step: string, pattern: RegExp): void {
  const last = run.steps.at(-1)!;
  equal(run.code, 1, `the job fails (${last.stderr})`);
  equal(last.id, step, `step '${step}' fails`);
  match(last.stderr, pattern);
  equal(run.githubEnv, "", "nothing reaches the job's environment");
  equal(run.githubPath, "", "nothing is put on the PATH");
}

function describe(run: ActionRun): string {
  return run.steps.map((s) => `[${s.id} exit ${s.code}]\n${s.stdout}${s.stderr}`).join("\n");
}

Deno.test("action.yml: composite, the documented inputs, scripts given inputs through env only", async () => {
  const action = await readAction(REPO_ROOT);
  equal(action.runs.using, "composite");
  deepStrictEqual(Object.keys(action.inputs), INPUTS);
  const used = new Set<string>();
  for (const [name, input] of Object.entries(action.inputs)) {
    ok(input.description.length > 20, `input '${name}' is described`);
    ok(!input.required, `input '${name}' is optional`);
    equal(input.default, "", `input '${name}' leaves its default to creds3`);
  }
  for (const step of action.runs.steps) {
    equal(step.shell, "bash");
    // Inputs reach the scripts as variables: a `${{ }}` in a script would be pasted into it.
    ok(step.run && !step.run.includes("${{"), `step ${step.id}: no expression in the script`);
    const script = step.run.match(/^bash "\$GITHUB_ACTION_PATH\/(scripts\/action\/\w+\.sh)"$/);
    ok(script, `step ${step.id} runs a script of the action`);
    ok((await Deno.stat(`${REPO_ROOT}/${script[1]}`)).isFile);
    for (const value of Object.values(step.env ?? {})) {
      for (const m of String(value).matchAll(/\$\{\{ inputs\.([\w-]+) \}\}/g)) used.add(m[1]);
    }
  }
  deepStrictEqual([...used].sort(), [...INPUTS].sort(), "every input is passed on");
  equal(action.outputs?.path.value, "${{ steps.install.outputs.path }}");
});

Deno.test("action: installs the checked binary, then loads the selected secrets, masked", async () => {
  const secrets = {
    "app/prod/db-url": "postgres://made-up.internal/app",
    "app/prod/cert": "-----BEGIN-----\nmade-up cert\n-----END-----\n",
    "app/prod/pin": "4711",
    "app/dev/db-url": "not selected",
  };
  await withCleanup(() => scratch(secrets), async (work) => {
    const base = await fakeRelease(`${work.dir}/releases`);
    const run = await runAction({
      actionPath: REPO_ROOT,
      dir: work.dir,
      env: jobEnv(work.dir, { CREDS3_RELEASE_URL: base }),
      inputs: {
        location: work.location,
        key: work.key,
        pattern: "app/prod/*",
        context: "env=prod",
        "strip-prefix": "app/prod/",
      },
    });
    equal(run.code, 0, describe(run));
    const [install, exported] = run.steps;
    const installed = `${work.dir}/runner_temp/creds3-${VERSION}/creds3`;
    equal(install.outputs.path, installed);
    equal(run.outputs.path, installed);
    equal(run.githubPath, `${work.dir}/runner_temp/creds3-${VERSION}\n`);
    match(
      install.stdout,
      /^creds3 \S+ \(creds3-x86_64-unknown-linux-gnu, SHA-256 [0-9a-f]{64} as in/,
    );
    equal(
      await Deno.readTextFile(installed),
      await Deno.readTextFile(`${work.dir}/releases/v${VERSION}/creds3-x86_64-unknown-linux-gnu`),
    );
    ok(((await Deno.stat(installed)).mode! & 0o111) !== 0, "executable");
    const expected = {
      CERT: "-----BEGIN-----\nmade-up cert\n-----END-----\n",
      DB_URL: "postgres://made-up.internal/app",
      PIN: "4711",
    };
    assertMasks(exported.stdout, expected);
    equal(
      exported.stderr,
      `Appended 3 secrets to '${work.dir}/github_env' (github)\n`,
    );
    deepStrictEqual(githubEnvRecord(parseGithubEnv(run.githubEnv)), expected);
  });
});

Deno.test("action: a binary whose checksum is wrong stops the job before it runs", async () => {
  await withCleanup(() => scratch({ "app/token": "made-up-token" }), async (work) => {
    const base = await fakeRelease(`${work.dir}/releases`);
    const asset = `${work.dir}/releases/v${VERSION}/creds3-x86_64-unknown-linux-gnu`;
    const marker = `${work.dir}/tampered-binary-ran`;
    await Deno.writeTextFile(asset, `#!/bin/sh\ntouch '${marker}'\n${fakeBinary("tampered")}`);
    const env = jobEnv(work.dir, { CREDS3_RELEASE_URL: base });
    const inputs = { location: work.location, key: work.key };
    const run = await runAction({ actionPath: REPO_ROOT, dir: work.dir, env, inputs });
    failedWith(
      run,
      "install",
      new RegExp(
        `^::error title=creds3::checksum mismatch: creds3-x86_64-unknown-linux-gnu of creds3 v${VERSION} has SHA-256 [0-9a-f]{64}, but its SHA256SUMS says [0-9a-f]{64}; the download was deleted and not run\n$`,
      ),
    );
    equal(run.steps.length, 1, "the export step never runs");
    ok(!(await Deno.stat(marker).then(() => true, () => false)), "the binary never ran");
    deepStrictEqual(
      [...Deno.readDirSync(`${work.dir}/runner_temp/creds3-${VERSION}`)].map((e) => e.name),
      ["SHA256SUMS"],
      "no binary and no download left behind",
    );

    // SHA256SUMS without the binary's line.
    const sums = `${work.dir}/releases/v${VERSION}/SHA256SUMS`;
    const lines = (await Deno.readTextFile(sums)).split("\n");
    await Deno.writeTextFile(sums, lines.filter((l) => !l.endsWith("linux-gnu")).join("\n"));
    failedWith(
      await runAction({ actionPath: REPO_ROOT, dir: `${work.dir}`, env, inputs }),
      "install",
      /the SHA256SUMS of creds3 v\S+ lists no creds3-x86_64-unknown-linux-gnu/,
    );
  });
});

Deno.test("action: a missing release, a bad version or a binary of another version stop the job", async () => {
  await withCleanup(scratch, async (work) => {
    const base = await fakeRelease(`${work.dir}/releases`, "7.7.7");
    const env = jobEnv(work.dir, { CREDS3_RELEASE_URL: base });
    const cases: [string, RegExp][] = [
      [
        "9.9.9",
        /cannot download SHA256SUMS of creds3 v9\.9\.9 from file:\/\/.*\/v9\.9\.9\/SHA256SUMS/,
      ],
      ["latest", /version 'latest' is not a release version such as 0\.1\.0/],
      [
        "v7.7.7",
        new RegExp(
          `creds3-x86_64-unknown-linux-gnu of creds3 v7\\.7\\.7 reports version '${VERSION}'`,
        ),
      ],
    ];
    for (const [version, pattern] of cases) {
      const dir = await Deno.makeTempDir({ dir: work.dir });
      failedWith(
        await runAction({ actionPath: REPO_ROOT, dir, env, inputs: { version } }),
        "install",
        pattern,
      );
    }
  });
});

Deno.test("action: by default the action's own version, from its repository's releases", async () => {
  await withCleanup(() => scratch({ "ci/token": "made-up-token" }), async (work) => {
    const server = `${work.dir}/server`;
    await fakeRelease(`${server}/OWNER/creds3/releases/download`);
    const env = jobEnv(work.dir, { GITHUB_SERVER_URL: `file://${server}` });
    const inputs = { location: work.location, key: work.key, context: "env=prod" };
    for (const version of ["", `v${VERSION}`, VERSION]) {
      const dir = await Deno.makeTempDir({ dir: work.dir });
      const run = await runAction({
        actionPath: REPO_ROOT,
        dir,
        env,
        github: { action_repository: "OWNER/creds3" },
        inputs: { ...inputs, version },
      });
      equal(run.code, 0, describe(run));
      deepStrictEqual(githubEnvRecord(parseGithubEnv(run.githubEnv)), {
        CI_TOKEN: "made-up-token",
      });
    }
    const dir = await Deno.makeTempDir({ dir: work.dir });
    failedWith(
      await runAction({
        actionPath: REPO_ROOT,
        dir,
        env,
        github: { action_repository: "" },
        inputs,
      }),
      "install",
      /cannot tell which repository the action comes from: set CREDS3_RELEASE_URL/,
    );
  });
});

Deno.test("action and release workflow: every runner gets an asset the release publishes", async () => {
  const assets = await publishedAssets();
  deepStrictEqual(assets, TARGETS.map(assetName), "the workflow checks compile:all's outputs");
  const release = (await releaseWorkflow()).jobs.release.steps.map((s) => s.run ?? "").join("\n");
  const published = release.match(
    /gh release create "\$GITHUB_REF_NAME" dist\/(\S+) dist\/SHA256SUMS/,
  );
  ok(published, "the release job attaches the binaries and SHA256SUMS");
  const glob = new RegExp(`^${published[1].replaceAll("*", ".*")}$`);
  for (const asset of assets) match(asset, glob);

  await withCleanup(scratch, async (work) => {
    const base = await fakeRelease(`${work.dir}/releases`);
    const runners = [["Linux", "X64"], ["Linux", "ARM64"], ["macOS", "X64"], ["macOS", "ARM64"], [
      "Windows",
      "X64",
    ]];
    const installed: string[] = [];
    for (const [os, arch] of runners) {
      const temp = await Deno.makeTempDir({ dir: work.dir });
      const out = await new Deno.Command("bash", {
        args: [`${REPO_ROOT}/scripts/action/install.sh`],
        clearEnv: true,
        env: jobEnv(work.dir, {
          RUNNER_OS: os,
          RUNNER_ARCH: arch,
          RUNNER_TEMP: temp,
          CREDS3_RELEASE_URL: base,
          GITHUB_OUTPUT: `${temp}/output`,
        }),
      }).output();
      equal(out.code, 0, new TextDecoder().decode(out.stderr));
      const path = (await Deno.readTextFile(`${temp}/output`)).match(/^path=(.*)$/m)?.[1];
      equal(path, `${temp}/creds3-${VERSION}/${os === "Windows" ? "creds3.exe" : "creds3"}`);
      const note = (await Deno.readTextFile(path!)).split("\n")[1];
      installed.push(note.replace(/^# /, ""));
    }
    deepStrictEqual(installed, assets, "each runner its own asset, and every asset a runner");
    for (const [os, arch] of [["Linux", "X86"], ["Windows", "ARM64"], ["", ""]]) {
      const out = await new Deno.Command("bash", {
        args: [`${REPO_ROOT}/scripts/action/install.sh`],
        clearEnv: true,
        env: jobEnv(work.dir, { RUNNER_OS: os, RUNNER_ARCH: arch, CREDS3_RELEASE_URL: base }),
      }).output();
      equal(out.code, 1);
      match(new TextDecoder().decode(out.stderr), /no creds3 binary for a \S+ \S+ runner/);
    }
  });
});

Deno.test("moto: the action with the credentials configure-aws-credentials leaves in the job", async () => {
  const { url, bucket, alias } = await motoBucketAndKey("creds3-action");
  await withCleanup(scratch, async (work) => {
    const aws = awsEnv(url);
    const put = await runCli(
      ["put", "deploy/api-key", "made-up-api-key", "env=ci", "-l", `${bucket}/team`, "-k", alias],
      { env: { ...aws, HOME: work.dir } },
    );
    equal(put.code, 0, put.stderr);
    const base = await fakeRelease(`${work.dir}/releases`);
    const run = await runAction({
      actionPath: REPO_ROOT,
      dir: work.dir,
      // The variables configure-aws-credentials exports (keys from its OIDC role session).
      env: jobEnv(work.dir, {
        ...aws,
        AWS_SESSION_TOKEN: "made-up-session-token",
        AWS_DEFAULT_REGION: aws.AWS_REGION,
        CREDS3_RELEASE_URL: base,
      }),
      inputs: {
        location: `s3://${bucket}/team`,
        key: alias,
        region: aws.AWS_REGION,
        pattern: "deploy/*",
        context: "env=ci",
        "strip-prefix": "deploy/",
      },
    });
    equal(run.code, 0, describe(run));
    assertMasks(run.steps[1].stdout, { API_KEY: "made-up-api-key" });
    deepStrictEqual(githubEnvRecord(parseGithubEnv(run.githubEnv)), { API_KEY: "made-up-api-key" });
  });
});

Deno.test("README: the GitHub Actions example uses the action's inputs, after an OIDC role", async () => {
  const readme = await Deno.readTextFile(`${REPO_ROOT}/README.md`);
  const start = readme.indexOf("\n## In GitHub Actions\n");
  ok(start >= 0, "README has a section 'In GitHub Actions'");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const block = section.match(/```yaml\n([\s\S]*?)\n```/);
  ok(block, "the section has a workflow in a yaml block");
  const workflow = parse(block[1]) as Workflow;
  equal(workflow.permissions?.["id-token"], "write", "the job may ask for an OIDC token");
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const aws = steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
  const creds3 = steps.findIndex((s) => /^OWNER\/creds3@v\d+$/.test(s.uses ?? ""));
  ok(aws >= 0 && creds3 > aws, "configure-aws-credentials, then the action");
  ok(steps[aws].with?.["role-to-assume"], "a role, through OIDC");
  ok(creds3 < steps.length - 1, "a later step uses the secrets");
  const action = await readAction(REPO_ROOT);
  const given = Object.keys(steps[creds3].with ?? {});
  ok(given.length >= 3, "the example shows the inputs");
  for (const name of given) ok(Object.hasOwn(action.inputs, name), `'${name}' is an input`);
  for (const name of INPUTS) ok(section.includes(`| \`${name}\``), `'${name}' is in the table`);
  match(section, /^creds3 policy reader /m);
  match(readme, /^gh attestation verify creds3-x86_64-unknown-linux-gnu --repo OWNER\/creds3$/m);
});
