/**
 * Shipping: the compile tasks, the release workflow, the embedded version, and that a compiled
 * binary holds everything the program loads. `deno compile` itself needs Deno's runtime image
 * from the network, so these tests check what can be checked offline.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { parse } from "yaml";
import { VERSION } from "../../commands/mod.ts";
import denoJson from "../../deno.json" with { type: "json" };
import { assetName, compileArgs, PERMISSIONS, TARGETS } from "../../scripts/compile.ts";
import { FORMAT_NAMES } from "../../plugins/registry.ts";
import { type CliResult, denoDir, MAIN_TS, REPO_ROOT, runCli, runCommand } from "../helpers/cli.ts";

const WORKFLOW = `${REPO_ROOT}/.github/workflows/release.yml`;

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  "working-directory"?: string;
}
interface Job {
  needs?: string | string[];
  "runs-on": string;
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: { push: { tags: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

async function workflow(): Promise<Workflow> {
  return parse(await Deno.readTextFile(WORKFLOW)) as Workflow;
}

function runs(job: Job): string {
  return job.steps.map((s) => s.run ?? "").join("\n");
}

/** Runs a program in the repository; with `env`, in that environment only. */
function run(command: string, args: string[], env?: Record<string, string>): Promise<CliResult> {
  return runCommand(command, args, env ? { clearEnv: true, env } : {});
}

function deno(args: string[]): Promise<CliResult> {
  return run(Deno.execPath(), args);
}

Deno.test("release workflow: valid YAML, runs on v* tags, test then build then release", async () => {
  const wf = await workflow();
  deepStrictEqual(wf.on.push.tags, ["v*"]);
  deepStrictEqual(Object.keys(wf.jobs), ["test", "build", "release"]);
  strictEqual(wf.jobs.build.needs, "test");
  strictEqual(wf.jobs.release.needs, "build");
  deepStrictEqual(wf.permissions, { contents: "read" });
  deepStrictEqual(wf.jobs.release.permissions, { contents: "write" });
  for (const [name, job] of Object.entries(wf.jobs)) {
    ok(job.steps.length > 0, `job ${name} has steps`);
    for (const step of job.steps) ok(step.uses || step.run, `a step of ${name} does something`);
  }
});

Deno.test("release workflow: the test job runs the same gate and tests as .ci/run", async () => {
  const ci = await Deno.readTextFile(`${REPO_ROOT}/.ci/run`);
  const test = runs((await workflow()).jobs.test);
  for (const task of ["check", "test"]) {
    match(ci, new RegExp(`task ${task}\\b`), `.ci/run runs 'deno task ${task}'`);
    match(test, new RegExp(`^deno task ${task}$`, "m"), `the workflow runs 'deno task ${task}'`);
  }
  match(test, /pip install 'moto\[server\]'/);
  match(test, /apt-get install .*zsh fish/);
  match(test, /^deno task test:doc$/m);
  ok(denoJson.tasks["test:doc"].includes("--doc"));
});

Deno.test("lockfile: every task, .ci/run and the release use deno.lock frozen", async () => {
  // Every deno command of a task that loads modules; fmt and lint load none.
  for (const [name, task] of Object.entries(denoJson.tasks)) {
    for (const command of task.split("&&").map((c) => c.trim())) {
      if (/^deno (fmt|lint)\b/.test(command)) continue;
      match(command, /^deno \w+ --frozen /, `task ${name}: ${command}`);
    }
  }
  match(compileArgs().join(" "), /^compile --frozen /);
  const ci = await Deno.readTextFile(`${REPO_ROOT}/.ci/run`);
  const wf = await workflow();
  match(ci, /^"\$\{DENO\[@\]\}" install --frozen$/m);
  for (const job of ["test", "build"]) match(runs(wf.jobs[job]), /^deno install --frozen$/m, job);
  // .ci/run and the workflow run deno only through the tasks, and nothing turns frozen off.
  for (
    const [label, text] of [["ci", ci], ["test", runs(wf.jobs.test)], [
      "build",
      runs(wf.jobs.build),
    ]]
  ) {
    for (const line of text.split("\n").filter((l) => /(^|[\s(])deno\s|\$\{DENO/.test(l))) {
      ok(!/--frozen=false|--no-lock|--lock=/.test(line), `${label}: ${line}`);
      ok(
        /(deno|DENO\[@\]\}") (task \S+|install --frozen|--version)/.test(line) ||
          /^\s*(DENO=|if |#)/.test(line),
        `${label}: ${line}`,
      );
    }
  }
  // With --frozen, a dependency the lockfile does not have is refused, and the lockfile stays.
  await Deno.mkdir(`${REPO_ROOT}/.tmp`, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: `${REPO_ROOT}/.tmp`, prefix: "frozen-" });
  const before = await Deno.readTextFile(`${REPO_ROOT}/deno.lock`);
  try {
    // The locked yaml under a specifier the lockfile does not list: no download needed.
    await Deno.writeTextFile(`${dir}/probe.ts`, 'import "npm:yaml@2.9.1";\n');
    const r = await deno(["check", "--frozen", `${dir}/probe.ts`]);
    strictEqual(r.code, 1, r.stderr);
    match(r.stderr, /The lockfile is out of date/);
    strictEqual(await Deno.readTextFile(`${REPO_ROOT}/deno.lock`), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("release workflow: compiles every compile:all target, checksums, attaches them", async () => {
  const wf = await workflow();
  const build = runs(wf.jobs.build);
  match(build, /^deno task compile:all$/m);
  match(build, /^deno task compile:all --dry-run$/m);
  const listed = build.match(/for asset in ([^;]+);/);
  ok(listed, "the build job checks the list of assets");
  deepStrictEqual(listed[1].trim().split(/\s+/), TARGETS.map(assetName));
  match(build, /sha256sum creds3-\* > SHA256SUMS/);
  match(build, /jq -r \.version deno\.json/);
  match(build, /dist\/creds3-x86_64-unknown-linux-gnu --version/);
  const upload = wf.jobs.build.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"));
  strictEqual(upload?.with?.path, "dist/");
  const release = runs(wf.jobs.release);
  match(release, /sha256sum --check SHA256SUMS/);
  match(release, /gh release create "\$GITHUB_REF_NAME" dist\/creds3-\* dist\/SHA256SUMS/);
});

Deno.test("release workflow: build provenance for every binary, with the permissions it needs", async () => {
  const build = (await workflow()).jobs.build;
  deepStrictEqual(build.permissions, {
    contents: "read",
    "id-token": "write",
    attestations: "write",
  });
  const at = (test: (step: Step) => boolean) => build.steps.findIndex(test);
  const attest = at((s) => s.uses === "actions/attest-build-provenance@v2");
  ok(attest >= 0, "the build job attests its binaries");
  ok(attest > at((s) => s.name === "Every release asset was built"), "after every binary is built");
  ok(
    attest < at((s) => !!s.uses?.startsWith("actions/upload-artifact")),
    "before they leave the job",
  );
  const subject = String(build.steps[attest].with?.["subject-path"]);
  strictEqual(subject, "dist/creds3-*");
  const glob = new RegExp(`^${subject.replaceAll("*", "[^/]*")}$`);
  for (const target of TARGETS) match(`dist/${assetName(target)}`, glob);
  ok(!glob.test("dist/SHA256SUMS"), "only the binaries are subjects");
});

/** A stand-in for the compiled Linux binary: main.ts with the binary's permissions. */
async function standIn(dir: string, refuse?: string): Promise<string> {
  const path = `${dir}/creds3-stand-in`;
  const guard = refuse ? `case " $* " in *" ${refuse} "*) exit 1 ;; esac\n` : "";
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\n${guard}exec '${Deno.execPath()}' run ${
      PERMISSIONS.join(" ")
    } --quiet '${MAIN_TS}' "$@"\n`,
    { mode: 0o755 },
  );
  return path;
}

/** Runs a workflow step's script with bash, `CREDS3_BIN` naming `binary`. */
function runStep(step: Step, binary: string, home: string) {
  const path = `${Deno.execPath().replace(/\/[^/]*$/, "")}:${
    Deno.env.get("PATH") ?? "/usr/bin:/bin"
  }`;
  return run("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
    PATH: path,
    HOME: home,
    DENO_DIR: denoDir(),
    ...step.env,
    CREDS3_BIN: binary,
  });
}

Deno.test("release workflow: the Linux binary runs the demo and writes every format (run here with main.ts)", async () => {
  const build = (await workflow()).jobs.build;
  const demo = build.steps.find((s) =>
    s.name === "The Linux binary runs the demo on a local store"
  );
  const formats = build.steps.find((s) => s.name?.startsWith("The Linux binary writes every"));
  ok(demo && formats, "the build job has both steps");
  for (const step of [demo, formats]) {
    deepStrictEqual(step.env, { CREDS3_BIN: "dist/creds3-x86_64-unknown-linux-gnu" });
  }
  strictEqual(demo.run, 'deno task demo --binary "$CREDS3_BIN"');
  const listed = formats.run?.match(/for format in ([^;]+);/);
  ok(listed, "the step loops over the formats");
  deepStrictEqual(listed[1].trim().split(/\s+/), [...FORMAT_NAMES], "every format, k8s included");
  const compiled = build.steps.findIndex((s) => s.run === "deno task compile:all");
  ok(build.steps.indexOf(demo) > compiled && build.steps.indexOf(formats) > compiled);

  const home = await Deno.makeTempDir({ prefix: "creds3-release-" });
  try {
    const shown = await runStep(demo, await standIn(home), home);
    strictEqual(shown.code, 0, shown.stderr);
    match(shown.stdout, /\$ creds3 export 'db\/\*' --strip-prefix db\/ -f k8s --name demo\n/);
    match(shown.stdout, /^kind: "Secret"$/m);
    const written = await runStep(formats, await standIn(home), home);
    strictEqual(written.code, 0, written.stderr);
    // A binary missing one format fails the step.
    const broken = await runStep(formats, await standIn(home, "tfvars"), home);
    strictEqual(broken.code, 1, broken.stderr);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("compile tasks: scripts/compile.ts, named permissions instead of -A, every target", async () => {
  strictEqual(denoJson.tasks.compile, "deno run --frozen -A scripts/compile.ts");
  strictEqual(denoJson.tasks["compile:all"], "deno run --frozen -A scripts/compile.ts --all");
  deepStrictEqual(TARGETS, [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
  ]);
  for (const flag of PERMISSIONS) {
    ok(!["-A", "--allow-all", "--allow-ffi", "--allow-import"].includes(flag), flag);
  }
  ok(PERMISSIONS.includes("--no-prompt"));
  const sys = PERMISSIONS.find((f) => f.startsWith("--allow-sys"));
  strictEqual(sys, "--allow-sys=osRelease,homedir,uid", "system access is limited by name");
  deepStrictEqual(compileArgs().slice(-3), ["--output", "dist/creds3", "main.ts"]);
  strictEqual(
    compileArgs("x86_64-pc-windows-msvc").at(-2),
    "dist/creds3-x86_64-pc-windows-msvc.exe",
  );
  const x = compileArgs("aarch64-apple-darwin");
  deepStrictEqual(x.slice(-5), [
    "--target",
    "aarch64-apple-darwin",
    "--output",
    "dist/creds3-aarch64-apple-darwin",
    "main.ts",
  ]);
  const dry = await deno(["run", "-A", "scripts/compile.ts", "--all", "--dry-run"]);
  strictEqual(dry.code, 0, dry.stderr);
  deepStrictEqual(
    dry.stdout.trimEnd().split("\n"),
    TARGETS.map((t) => `deno ${compileArgs(t).join(" ")}`),
  );
  match(dry.stderr, /deno check --frozen main\.ts/);
  const bad = await deno(["run", "-A", "scripts/compile.ts", "--everything"]);
  strictEqual(bad.code, 2);
  match(bad.stderr, /unknown argument '--everything'/);
});

Deno.test("version: one source (deno.json), printed by --version and -V", async () => {
  match(denoJson.version, /^\d+\.\d+\.\d+(-[\w.]+)?$/);
  strictEqual(VERSION, denoJson.version);
  for (const flag of ["--version", "-V"]) {
    const r = await runCli([flag]);
    strictEqual(r.code, 0, r.stderr);
    strictEqual(r.stdout, `${denoJson.version}\n`);
  }
});

async function sourceFiles(): Promise<string[]> {
  const files: string[] = ["main.ts"];
  async function walk(dir: string) {
    for await (const entry of Deno.readDir(`${REPO_ROOT}/${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts")) files.push(path);
    }
  }
  for (const dir of ["commands", "lib", "plugins"]) await walk(dir);
  return files.sort();
}

interface Graph {
  modules: {
    specifier: string;
    dependencies?: { specifier: string; isDynamic?: boolean; code?: { specifier: string } }[];
  }[];
}

async function moduleGraph(entry: string): Promise<Graph> {
  const info = await deno(["info", "--json", entry]);
  strictEqual(info.code, 0, info.stderr);
  return JSON.parse(info.stdout) as Graph;
}

Deno.test("binary contents: every module the program loads is in main.ts's static graph", async () => {
  const main = await moduleGraph("main.ts");
  const inMain = new Set(main.modules.map((m) => m.specifier));
  // The library is every entry deno.json exports.
  const inLibrary = new Set<string>();
  for (const entry of Object.values(denoJson.exports)) {
    for (const m of (await moduleGraph(entry)).modules) inLibrary.add(m.specifier);
  }
  const npmIn = (name: string) => [...inMain].some((s) => s.startsWith(`npm:/${name}@`));

  // Lazily loaded modules (import() with a string literal) are resolved into the graph, which
  // is what deno compile embeds.
  const unresolved: string[] = [];
  let lazy = 0;
  for (const module of main.modules) {
    for (const dep of module.dependencies ?? []) {
      if (!dep.isDynamic) continue;
      lazy++;
      const target = dep.code?.specifier ?? "";
      const npm = target.match(/^npm:\/?(@?[^@/]+(?:\/[^@/]+)?)/);
      // Node's built-in modules are part of the runtime in every binary.
      const found = target.startsWith("node:") ||
        (target.startsWith("file:") ? inMain.has(target) : npm && npmIn(npm[1]));
      if (!found) unresolved.push(`${module.specifier}: import("${dep.specifier}")`);
    }
  }
  deepStrictEqual(unresolved, [], "lazy imports outside the graph");
  ok(lazy >= 10, `only ${lazy} lazy imports found: the graph was not read right`);

  const orphans: string[] = [];
  const dynamic: string[] = [];
  for (const file of await sourceFiles()) {
    const url = `file://${REPO_ROOT}/${file}`;
    if (!inMain.has(url) && !inLibrary.has(url)) orphans.push(file);
    const text = await Deno.readTextFile(`${REPO_ROOT}/${file}`);
    // A dynamic import deno compile cannot see: anything but a string literal.
    for (const m of text.matchAll(/\bimport\(\s*([^)\s][^)]*)\)/g)) {
      if (!/^["'][^"'`$]+["']$/.test(m[1].trim())) dynamic.push(`${file}: import(${m[1]})`);
    }
    // Reading files beside the code at run time would break in a binary.
    for (const m of text.matchAll(/import\.meta\.(url|dirname|filename)/g)) {
      dynamic.push(`${file}: import.meta.${m[1]}`);
    }
  }
  deepStrictEqual(orphans, [], "source files neither the program nor the library uses");
  deepStrictEqual(dynamic, [], "imports or file reads deno compile cannot follow");
  // The parts loaded on demand: S3, DynamoDB, KMS, STS, credential providers, IAM policies,
  // every output format and every import format.
  const lazyParts = [
    "lib/stores/s3/store.ts",
    "lib/stores/dynamodb/store.ts",
    "lib/stores/dynamodb/setup.ts",
    "lib/aws/iam_policy_table.ts",
    "lib/keys/kms.ts",
    "lib/keys/kms_setup.ts",
  ];
  for (const entry of Deno.readDirSync(`${REPO_ROOT}/plugins`)) {
    if (entry.isFile && !["mod.ts", "types.ts", "errors.ts"].includes(entry.name)) {
      lazyParts.push(`plugins/${entry.name}`);
    }
  }
  for (const format of ["json", "yaml", "csv", "dotenv", "shell"]) {
    lazyParts.push(`plugins/importers/${format}.ts`);
  }
  for (const part of lazyParts) ok(inMain.has(`file://${REPO_ROOT}/${part}`), part);
  for (
    const pkg of [
      "client-s3",
      "client-dynamodb",
      "client-kms",
      "client-sts",
      "credential-providers",
    ]
  ) {
    ok(npmIn(`@aws-sdk/${pkg}`), `@aws-sdk/${pkg} is in the graph`);
  }
  ok(inMain.has(`file://${REPO_ROOT}/deno.json`), "deno.json (the version) is embedded");
});
