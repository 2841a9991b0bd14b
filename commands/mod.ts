/**
 * The command tree.
 *
 * @module
 */
import denoJson from "../deno.json" with { type: "json" };
import type { ProgramSpec } from "../lib/cli/mod.ts";
import { completionsCommand } from "./completions.ts";
import { copyCommand } from "./copy.ts";
import { deleteCommand } from "./delete.ts";
import { execCommand } from "./exec.ts";
import { exportCommand } from "./export.ts";
import { getCommand } from "./get.ts";
import { getallCommand } from "./getall.ts";
import { GLOBAL_OPTIONS } from "./global_options.ts";
import { helpCommand } from "./help.ts";
import { historyCommand } from "./history.ts";
import { importCommand } from "./import.ts";
import { keysCommand } from "./keys.ts";
import { listCommand } from "./list.ts";
import { policyCommand } from "./policy.ts";
import { pruneCommand } from "./prune.ts";
import { putCommand } from "./put.ts";
import { rewrapCommand } from "./rewrap.ts";
import { setupCommand } from "./setup.ts";

/** The program's version: deno.json's `version`, embedded in compiled binaries. */
export const VERSION: string = denoJson.version;

/** The `creds3` program with every command. */
export function buildProgram(): ProgramSpec {
  return {
    name: "creds3",
    version: VERSION,
    description: "Store and share secrets in S3, envelope-encrypted with KMS or a local key",
    options: GLOBAL_OPTIONS,
    commands: [
      setupCommand,
      putCommand,
      getCommand,
      getallCommand,
      listCommand,
      keysCommand,
      historyCommand,
      deleteCommand,
      pruneCommand,
      exportCommand,
      importCommand,
      execCommand,
      copyCommand,
      rewrapCommand,
      policyCommand,
      completionsCommand,
      helpCommand,
    ],
    helpAfter: `
Environment:
  CREDS3_LOCATION, CREDS3_KEY, CREDS3_REGION  defaults for -l, -k and -r
  CREDS3_KMS_REGION                           default for --kms-region
  CREDS3_MAX_ATTEMPTS, CREDS3_TIMEOUT         for --max-attempts and --timeout
  CREDS3_CONCURRENCY                          for --concurrency
  AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL[_S3|_KMS|_STS]
  and the AWS SDK's credential chain (docs/AWS.md)

Run 'creds3 help <command>' for a command's options and examples.`,
  };
}
