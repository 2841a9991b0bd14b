// The test proxy against a real moto (and Ceph when CREDS3_TEST_CEPH_URL is set): forwarding
// with the signed Host header intact, operation counts, latency, and each fault kind surfacing
// as the SDK error a client without retries sees.

import assert from "node:assert/strict";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { clientConfig, createKmsKey, motoUrl, uniqueName } from "../../helpers/moto.ts";
import { type FaultKind, type Proxy, startProxy } from "../../helpers/proxy.ts";
import { CEPH_ACCESS_KEY_ID, CEPH_SECRET_ACCESS_KEY, cephUrl } from "../../helpers/ceph.ts";
import { skipIf } from "../../helpers/skip.ts";

interface Clients {
  s3: S3Client;
  kms: KMSClient;
  sts: STSClient;
  destroy(): void;
}

/** SDK clients pointed at the proxy, no retries, optional request timeout that throws. */
function clients(url: string, requestTimeout?: number): Clients {
  const { forcePathStyle: _, ...base } = {
    ...clientConfig(url),
    maxAttempts: 1,
    ...(requestTimeout ? { requestHandler: { requestTimeout, throwOnRequestTimeout: true } } : {}),
  };
  const s3 = new S3Client({ ...base, forcePathStyle: true });
  const kms = new KMSClient(base);
  const sts = new STSClient(base);
  return {
    s3,
    kms,
    sts,
    destroy() {
      s3.destroy();
      kms.destroy();
      sts.destroy();
    },
  };
}

async function withProxy(fn: (proxy: Proxy, c: Clients) => Promise<void>, timeout?: number) {
  const proxy = await startProxy(await motoUrl());
  const c = clients(proxy.url, timeout);
  try {
    await fn(proxy, c);
  } finally {
    c.destroy();
    await proxy.stop();
  }
}

/** The error `promise` rejects with (fails if it resolves). */
async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  assert.fail("expected the request to fail");
}

const status = (error: Record<string, unknown>) =>
  (error.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode;

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("proxy forwards S3, KMS and STS to moto and counts each operation", async () => {
  await withProxy(async (proxy, { s3, kms, sts }) => {
    const bucket = uniqueName("proxy-count");
    const key = "dir/with space+plus=eq@at:colon/ünï ✓";
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes("v1") }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(await got.Body?.transformToString(), "v1");
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), [key]);
    const conflict = await failure(
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes("v2"), IfNoneMatch: "*" }),
      ),
    );
    assert.equal(status(conflict), 412);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: "x" }] } }),
    );

    const keyId = await createKmsKey(proxy.url, `alias/${uniqueName("proxy")}`);
    const context = { name: "db" };
    const dataKey = await kms.send(
      new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 64, EncryptionContext: context }),
    );
    const plain = await kms.send(
      new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: context }),
    );
    assert.deepEqual(plain.Plaintext, dataKey.Plaintext);
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Account, "123456789012");

    assert.deepEqual(proxy.counts(), {
      "s3:CreateBucket": 1,
      "s3:HeadBucket": 1,
      "s3:PutObject": 2,
      "s3:GetObject": 1,
      "s3:ListObjectsV2": 1,
      "s3:DeleteObject": 1,
      "s3:DeleteObjects": 1,
      "kms:CreateKey": 1,
      "kms:CreateAlias": 1,
      "kms:GenerateDataKey": 1,
      "kms:Decrypt": 1,
      "sts:GetCallerIdentity": 1,
    });
    assert.deepEqual(proxy.injected(), {});
    proxy.resetCounts();
    assert.deepEqual(proxy.counts(), {});
  });
});

Deno.test("proxy holds every request for latencyMs, changeable at run time", async () => {
  await withProxy(async (proxy, { s3 }) => {
    const bucket = uniqueName("proxy-latency");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const timed = async () => {
      const start = performance.now();
      for (let i = 0; i < 3; i++) await s3.send(new HeadBucketCommand({ Bucket: bucket }));
      return (performance.now() - start) / 3;
    };
    const fast = await timed();
    proxy.setOptions({ latencyMs: 150 });
    const slow = await timed();
    assert.ok(slow >= 150, `with latency ${slow.toFixed(1)} ms per request`);
    // The hold is the floor of each request; what else a request costs varies with the load.
    assert.ok(slow > fast, `fast ${fast.toFixed(1)} ms, slow ${slow.toFixed(1)} ms`);
    proxy.setOptions({ latencyMs: 0 });
    const again = await timed();
    assert.ok(again < 150, `latency removed: ${again.toFixed(1)} ms`);
  });
});

const httpFaults: [FaultKind, "s3" | "kms", string, number][] = [
  ["s3-503", "s3", "SlowDown", 503],
  ["s3-500", "s3", "InternalError", 500],
  ["s3-access-denied", "s3", "AccessDenied", 403],
  ["kms-throttle", "kms", "ThrottlingException", 400],
  ["kms-500", "kms", "KMSInternalException", 500],
];

for (const [kind, service, name, code] of httpFaults) {
  Deno.test(`proxy fault ${kind} surfaces as ${name} (${code})`, async () => {
    await withProxy(async (proxy, { s3, kms }) => {
      const bucket = uniqueName("proxy-fault");
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const keyId = await createKmsKey(proxy.url, `alias/${uniqueName("fault")}`);
      proxy.setOptions({ faults: { rate: 1, kinds: [kind] } });
      const error = await failure(
        service === "s3"
          ? s3.send(new GetObjectCommand({ Bucket: bucket, Key: "k" }))
          : kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 64 })),
      );
      assert.equal(error.name, name);
      assert.equal(status(error), code);
      assert.deepEqual(proxy.injected(), { [kind]: 1 });
      // A fault of one service's kind never hits the other service.
      if (service === "s3") {
        await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 64 }));
      } else await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    });
  });
}

Deno.test("proxy fault reset closes the connection before forwarding", async () => {
  await withProxy(async (proxy, { s3 }) => {
    const bucket = uniqueName("proxy-reset");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    proxy.setOptions({ faults: { rate: 1, kinds: ["reset"] } });
    const error = await failure(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: bytes("v") })),
    );
    assert.equal(error.code, "ECONNRESET", String(error.message));
    proxy.setOptions({ faults: undefined });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.equal(listed.KeyCount, 0, "the reset request never reached moto");
  });
});

Deno.test("proxy fault reset-after applies the request upstream, then drops the answer", async () => {
  await withProxy(async (proxy, { s3 }) => {
    const bucket = uniqueName("proxy-reset-after");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    proxy.setOptions({ faults: { rate: 1, kinds: ["reset-after"], ops: ["s3:PutObject"] } });
    const error = await failure(
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: "k", Body: bytes("v"), IfNoneMatch: "*" }),
      ),
    );
    assert.equal(error.code, "ECONNRESET", String(error.message));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.equal(listed.KeyCount, 1, "the write took effect");
  });
});

Deno.test("proxy fault hang outlasts the client's request timeout", async () => {
  await withProxy(async (proxy, { s3 }) => {
    proxy.setOptions({ faults: { rate: 1, kinds: ["hang"], hangMs: 10_000 } });
    const start = performance.now();
    const error = await failure(s3.send(new HeadBucketCommand({ Bucket: uniqueName("hang") })));
    const elapsed = performance.now() - start;
    assert.equal(error.name, "TimeoutError", String(error.message));
    assert.ok(elapsed >= 250 && elapsed < 5000, `timed out after ${elapsed.toFixed(0)} ms`);
    // stop() (in withProxy) must not wait for the 10 s hang.
  }, 300);
});

Deno.test("proxy permanent fault for one operation only (kms:Decrypt)", async () => {
  await withProxy(async (proxy, { kms }) => {
    const keyId = await createKmsKey(proxy.url, `alias/${uniqueName("perm")}`);
    proxy.setOptions({ faults: { rate: 1, kinds: ["kms-500"], ops: ["kms:Decrypt"] } });
    for (let i = 0; i < 3; i++) {
      const dataKey = await kms.send(
        new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 64 }),
      );
      const error = await failure(
        kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob })),
      );
      assert.equal(error.name, "KMSInternalException");
    }
    assert.deepEqual(proxy.injected(), { "kms-500": 3 });
    assert.equal(proxy.counts()["kms:GenerateDataKey"], 3);
  });
});

Deno.test("proxy faults at a rate are deterministic for a seed", async () => {
  await withProxy(async (proxy, { s3 }) => {
    const bucket = uniqueName("proxy-seed");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const pattern = async () => {
      proxy.setOptions({ faults: { rate: 0.3, kinds: ["s3-503", "s3-500"], seed: 7 } });
      let out = "";
      for (let i = 0; i < 40; i++) {
        try {
          await s3.send(new HeadBucketCommand({ Bucket: bucket }));
          out += ".";
        } catch (error) {
          out += String(status(error as Record<string, unknown>))[0];
        }
      }
      return out;
    };
    const first = await pattern();
    const second = await pattern();
    assert.equal(second, first);
    const faulted = [...first].filter((c) => c !== ".").length;
    assert.ok(faulted >= 4 && faulted <= 24, `${faulted} of 40 faulted: ${first}`);
    assert.ok(first.includes("5"), first);
  });
});

Deno.test({
  ...skipIf(
    cephUrl() === undefined ? "Ceph is not started: deno task test --ceph" : undefined,
    "proxy keeps the signed Host header: Ceph (SigV4-checking) accepts requests through it",
  ),
  async fn() {
    const proxy = await startProxy(cephUrl()!, { latencyMs: 5 });
    const s3 = new S3Client({
      ...clientConfig(proxy.url),
      credentials: { accessKeyId: CEPH_ACCESS_KEY_ID, secretAccessKey: CEPH_SECRET_ACCESS_KEY },
      maxAttempts: 1,
    });
    try {
      const bucket = uniqueName("proxy-ceph");
      const key = "with space+plus=eq@at:colon/ünï ✓";
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes("v") }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(await got.Body?.transformToString(), "v");
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(proxy.counts()["s3:PutObject"], 1);
    } finally {
      s3.destroy();
      await proxy.stop();
    }
  },
});
