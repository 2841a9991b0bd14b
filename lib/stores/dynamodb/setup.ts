/**
 * `creds3 setup` for a credstash table: a missing table is created as credstash creates it
 * (`name` the hash key, `version` the range key, both strings) but billed on demand, and
 * waited for until it is active; an existing one is checked: its key schema must be
 * credstash's, and its billing is reported.
 *
 * @module
 */
import type { DynamoDBClient, TableDescription } from "@aws-sdk/client-dynamodb";
import { awsErrorCode, describeAwsError } from "../../aws/errors.ts";
import { Creds3Error } from "../../core/errors.ts";
import type { SetupStep } from "../../core/store.ts";
import { ATTRIBUTE } from "./item.ts";

/** How long a new table may take to become active (AWS: seconds, rarely a minute). */
const ACTIVE_WITHIN_MS = 5 * 60_000;

/** The key schema credstash's tables have. */
const KEY_SCHEMA = [
  { AttributeName: ATTRIBUTE.name, KeyType: "HASH" as const },
  { AttributeName: ATTRIBUTE.version, KeyType: "RANGE" as const },
];
const ATTRIBUTE_DEFINITIONS = [
  { AttributeName: ATTRIBUTE.name, AttributeType: "S" as const },
  { AttributeName: ATTRIBUTE.version, AttributeType: "S" as const },
];

/** Options of {@linkcode setupTable}. */
export interface TableSetupOptions {
  /** Waits between checks of a new table's status (default: a timer). */
  pause?: (ms: number) => Promise<void>;
}

/** Creates or checks the table: one {@link SetupStep} per step, failures reported as steps. */
export async function setupTable(
  client: DynamoDBClient,
  table: string,
  options: TableSetupOptions = {},
): Promise<SetupStep[]> {
  const ddb = await import("@aws-sdk/client-dynamodb");
  const pause = options.pause ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const step = `Table '${table}'`;
  const describe = async () =>
    (await client.send(new ddb.DescribeTableCommand({ TableName: table }))).Table;
  let description: TableDescription | undefined;
  let created = false;
  try {
    description = await describe();
  } catch (e) {
    if (e instanceof Creds3Error) throw e;
    if (awsErrorCode(e) !== "ResourceNotFoundException") {
      return [{ step, outcome: "failed", detail: `cannot check it: ${describeAwsError(e)}` }];
    }
  }
  if (!description) {
    try {
      description = (await client.send(
        new ddb.CreateTableCommand({
          TableName: table,
          KeySchema: KEY_SCHEMA,
          AttributeDefinitions: ATTRIBUTE_DEFINITIONS,
          BillingMode: "PAY_PER_REQUEST",
        }),
      )).TableDescription;
      created = true;
    } catch (e) {
      if (e instanceof Creds3Error) throw e;
      // Another setup may have created it meanwhile.
      if (awsErrorCode(e) !== "ResourceInUseException") {
        return [{ step, outcome: "failed", detail: `cannot create it: ${describeAwsError(e)}` }];
      }
    }
  }
  // A new table is CREATING for a while; nothing can be stored until it is ACTIVE.
  const deadline = Date.now() + ACTIVE_WITHIN_MS;
  for (let wait = 250; description?.TableStatus !== "ACTIVE"; wait = Math.min(wait * 2, 5000)) {
    if (Date.now() > deadline) {
      return [{
        step,
        outcome: "failed",
        detail: `is ${description?.TableStatus ?? "not found"} after ${
          ACTIVE_WITHIN_MS / 60_000
        } minutes, not ACTIVE`,
      }];
    }
    await pause(wait);
    try {
      description = await describe();
    } catch (e) {
      if (e instanceof Creds3Error) throw e;
      // Just created, and not yet described: keep waiting.
      if (awsErrorCode(e) === "ResourceNotFoundException") continue;
      return [{ step, outcome: "failed", detail: `cannot check it: ${describeAwsError(e)}` }];
    }
  }
  const steps: SetupStep[] = [
    created
      ? {
        step,
        outcome: "changed",
        detail: "created, billed on demand (PAY_PER_REQUEST), and active",
      }
      : { step, outcome: "ok", detail: "exists and is active" },
    keySchemaStep(description),
  ];
  if (!created) steps.push(billingStep(description));
  return steps;
}

/** credstash's key schema as {@linkcode keySchemaOf} writes it. */
export const CREDSTASH_KEY_SCHEMA: string = KEY_SCHEMA.map((k) =>
  `${k.AttributeName} (S, ${k.KeyType})`
).join(", ");

/** A table's key schema, e.g. `name (S, HASH), version (S, RANGE)`; empty when none is given. */
export function keySchemaOf(table: TableDescription): string {
  const types = new Map(
    (table.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]),
  );
  return (table.KeySchema ?? []).map((k) =>
    `${k.AttributeName} (${types.get(k.AttributeName) ?? "?"}, ${k.KeyType})`
  ).join(", ");
}

/** Whether the table is keyed as credstash's: `name` (S) hash key, `version` (S) range key. */
function keySchemaStep(table: TableDescription): SetupStep {
  const step = "Key schema";
  const found = keySchemaOf(table);
  if (found === CREDSTASH_KEY_SCHEMA) {
    return { step, outcome: "ok", detail: `${found}, as credstash's` };
  }
  return {
    step,
    outcome: "failed",
    detail: `${found || "none"}: not credstash's ${CREDSTASH_KEY_SCHEMA}, so this table cannot ` +
      "hold credentials; give another with -l dynamodb:TABLE",
  };
}

/** How the table is billed: on demand, or provisioned (credstash's setup: 1 read, 1 write). */
function billingStep(table: TableDescription): SetupStep {
  const step = "Billing";
  if (table.BillingModeSummary?.BillingMode === "PAY_PER_REQUEST") {
    return { step, outcome: "ok", detail: "on demand (PAY_PER_REQUEST)" };
  }
  const reads = table.ProvisionedThroughput?.ReadCapacityUnits ?? 0;
  const writes = table.ProvisionedThroughput?.WriteCapacityUnits ?? 0;
  return {
    step,
    outcome: "ok",
    detail: `provisioned, ${reads} read and ${writes} write capacity units; getall and list ` +
      "read the whole table, and are slowed down when they need more",
  };
}
