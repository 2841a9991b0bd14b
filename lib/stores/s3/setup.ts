/**
 * `creds3 setup` for an S3 bucket: the bucket in the right region, Block Public Access on,
 * default encryption on (SSE-S3), versioning on and a bucket policy that denies requests made
 * without TLS. A bucket it creates gets every setting; on an existing bucket it only checks and
 * reports what differs, unless asked to fix. Each step is idempotent and reported.
 *
 * On an S3-compatible store (a custom endpoint) a step the store does not support is skipped
 * with a message, and a setting after which the store no longer does what creds3 relies on
 * (create-only writes) is turned back and reported.
 *
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { describeAwsError } from "../../aws/errors.ts";
import { Creds3Error } from "../../core/errors.ts";
import type { SetupStep } from "../../core/store.ts";
import { ensureBucket } from "./bucket.ts";
import { type Setting, settings } from "./bucket_settings.ts";
import { type S3SetupOptions, unsupported } from "./setup_options.ts";
import { WRITE_CHECK_OK, writeCheck } from "./write_check.ts";

export type { S3SetupOptions } from "./setup_options.ts";

/**
 * Sets up (or checks) the bucket: one {@link SetupStep} per step, in order. Failures of a
 * single step are reported as `failed` steps, not thrown, so every step is reported.
 */
export async function setupS3Bucket(
  client: S3Client,
  options: S3SetupOptions,
): Promise<SetupStep[]> {
  const s3 = await import("@aws-sdk/client-s3");
  const steps: SetupStep[] = [];
  const bucketStep = await ensureBucket(s3, client, options);
  steps.push(bucketStep);
  if (bucketStep.outcome === "failed") return steps;
  const fresh = bucketStep.outcome === "changed";
  const apply = fresh || options.fix === true;
  const check = () => writeCheck(s3, client, options);
  // On an S3-compatible store a setting is kept only if create-only writes still work with it
  // (that can be judged only when they worked before it), and the check runs even when nothing
  // is changed: some stores ignore If-None-Match on versioned buckets.
  let guard = false;
  if (options.compatible) {
    const baseline = await check();
    guard = baseline === undefined;
    if (baseline) steps.push({ step: "Write check", outcome: "failed", detail: baseline });
  }
  let changed = fresh;
  for (const setting of settings(s3, client, options)) {
    const step = await runSetting(
      setting,
      { apply: apply || setting.requested === true, guard, check },
      options,
    );
    if (step.outcome === "changed") changed = true;
    steps.push(step);
  }
  if (options.plainHttp) {
    steps.push({
      step: "TLS-only bucket policy",
      outcome: "skipped",
      detail: "the endpoint is plain HTTP, and a policy that denies requests without TLS would " +
        "deny every request made through it",
    });
  }
  if (changed || guard) {
    // After the last change (a store may refuse writes with a setting that has no fallback),
    // or to report the passing check an S3-compatible store gets on every run.
    const problem = changed ? await check() : undefined;
    const step = options.compatible && !guard ? "Write check after the changes" : "Write check";
    steps.push(
      problem
        ? { step, outcome: "failed", detail: problem }
        : { step, outcome: "ok", detail: WRITE_CHECK_OK },
    );
  }
  return steps;
}

async function runSetting<T>(
  setting: Setting<T>,
  run: { apply: boolean; guard: boolean; check: () => Promise<string | undefined> },
  options: S3SetupOptions,
): Promise<SetupStep> {
  const step = setting.name;
  let state: T;
  try {
    state = await setting.read();
  } catch (e) {
    if (e instanceof Creds3Error) throw e;
    if (unsupported(e, options)) {
      return {
        step,
        outcome: "skipped",
        detail: `not supported by this store (${describeAwsError(e)})`,
      };
    }
    return { step, outcome: "failed", detail: `cannot check it: ${describeAwsError(e)}` };
  }
  if (setting.isOn(state)) return { step, outcome: "ok", detail: setting.describe(state) };
  if (!run.apply) {
    return {
      step,
      outcome: "differs",
      detail: `${setting.describe(state)}; not changed without --fix`,
    };
  }
  let done: string;
  try {
    done = await setting.turnOn(state);
  } catch (e) {
    if (e instanceof Creds3Error) throw e;
    if (unsupported(e, options)) {
      return {
        step,
        outcome: "skipped",
        detail: `not supported by this store (${describeAwsError(e)})`,
      };
    }
    return { step, outcome: "failed", detail: `cannot turn it on: ${describeAwsError(e)}` };
  }
  if (run.guard && setting.restore) {
    const problem = await run.check();
    if (problem && setting.fallback) {
      try {
        const weaker = await setting.fallback();
        if (await run.check() === undefined) {
          return { step, outcome: "changed", detail: `${weaker}: with it all on, ${problem}` };
        }
      } catch {
        // Not supported either: restore below.
      }
    }
    if (problem) {
      let restored: string;
      try {
        restored = await setting.restore(state);
      } catch (e) {
        return {
          step,
          outcome: "failed",
          detail: `with it on, ${problem}; turning it back failed: ${describeAwsError(e)}`,
        };
      }
      return { step, outcome: "skipped", detail: `with it on, ${problem}; ${restored}` };
    }
  }
  return { step, outcome: "changed", detail: done };
}
