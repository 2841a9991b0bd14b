/**
 * The raw baseline of `deno task bench` (scripts/bench.ts): what `getall` costs with the AWS SDK
 * alone and no creds3 logic. Lists the bucket (all pages), then for every object, with at most
 * `--concurrency` in flight, GETs it and asks KMS to Decrypt its wrapped key; nothing is
 * verified or decrypted locally. Runs as its own process, like the CLI, so that both pay Deno's
 * start-up and the SDK's loading; prints `{"ms": <list+reads>, "objects": <count>}` on stdout.
 *
 * `deno run -A scripts/bench_raw.ts --s3 URL --kms URL --bucket NAME --concurrency C`
 * (credentials and region from the standard `AWS_*` variables).
 *
 * @module
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { DecryptCommand, KMSClient } from "@aws-sdk/client-kms";

function arg(name: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= Deno.args.length) throw new Error(`bench_raw: --${name} is required`);
  return Deno.args[i + 1];
}

const concurrency = Number(arg("concurrency"));
const bucket = arg("bucket");
// The best the SDK allows: keep-alive, and a socket for every request in flight.
const requestHandler = { httpAgent: { keepAlive: true, maxSockets: Math.max(50, concurrency) } };
const common = { region: Deno.env.get("AWS_REGION") ?? "us-east-1", requestHandler };
const s3 = new S3Client({
  ...common,
  endpoint: arg("s3"),
  forcePathStyle: true,
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
const kms = new KMSClient({ ...common, endpoint: arg("kms") });

const started = performance.now();
const keys: string[] = [];
let token: string | undefined;
do {
  const page = await s3.send(
    new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
  );
  for (const object of page.Contents ?? []) keys.push(object.Key!);
  token = page.IsTruncated ? page.NextContinuationToken : undefined;
} while (token);

let next = 0;
async function worker() {
  while (next < keys.length) {
    const key = keys[next++];
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await object.Body!.transformToString();
    const wrapped = Uint8Array.from(atob(object.Metadata!.key), (c) => c.charCodeAt(0));
    await kms.send(new DecryptCommand({ CiphertextBlob: wrapped, EncryptionContext: {} }));
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
const ms = performance.now() - started;
s3.destroy();
kms.destroy();
console.log(JSON.stringify({ ms, objects: keys.length }));
