/**
 * The Python stand-ins for the tools creds3 shares its stores with. Neither the Python creds3
 * nor credstash can be installed on the test machines (PyPI is not reachable), so readers and
 * writers written from docs/FORMAT.md in Python (boto3, `cryptography`) do what they do:
 * tests/helpers/format_reader.py reads one S3 object as the Python creds3 does, and
 * tests/helpers/credstash_table.py reads and writes a credstash table as credstash does.
 */
import { REPO_ROOT, runCommand } from "./cli.ts";
import { awsEnv } from "./moto.ts";

/** boto3's environment for moto at `url`: the test credentials, the region boto3 reads. */
function pythonEnv(url: string): Record<string, string> {
  const { AWS_ENDPOINT_URL_S3: _s3, ...env } = awsEnv(url);
  return { ...env, AWS_DEFAULT_REGION: env.AWS_REGION, PATH: Deno.env.get("PATH") ?? "" };
}

/** The Python creds3's read of one object (`KEY` is the object key); prints its value. */
export function formatReader(url: string, bucket: string, key: string, context: string[] = []) {
  return runCommand(
    "python3",
    [`${REPO_ROOT}/tests/helpers/format_reader.py`, url, bucket, key, ...context],
    { clearEnv: true, env: pythonEnv(url) },
  );
}

/** credstash's `get`, `put` or `list` on a table (see credstash_table.py --help). */
export function credstashTable(url: string, table: string, ...args: string[]) {
  return runCommand(
    "python3",
    [`${REPO_ROOT}/tests/helpers/credstash_table.py`, url, table, ...args],
    { clearEnv: true, env: pythonEnv(url) },
  );
}
