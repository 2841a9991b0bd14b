/**
 * The minimal IAM policies for a credstash table (`dynamodb:TABLE`): the DynamoDB actions each
 * command sends, on the table only, and the KMS calls on the master key. The table is the whole
 * store, so its `admin` also sets it up. Pure: the caller resolves the account and the key ARN,
 * or passes placeholders.
 *
 * @module
 */
import {
  kmsStatement,
  masterKeySetupStatements,
  type PolicyDocument,
  type PolicyOptions,
  type PolicyRole,
  type PolicyStatement,
  type PolicyTarget,
} from "./iam_policy.ts";

/** What a table's policy grants access to. */
export interface TablePolicyTarget {
  /** The AWS partition: `aws`, `aws-cn`, `aws-us-gov`. */
  partition: string;
  /** `arn:aws:dynamodb:REGION:ACCOUNT:table/NAME`, possibly with placeholders. */
  tableArn: string;
  /** The KMS master key; absent for a local master key (no KMS statements). */
  kms?: PolicyTarget["kms"];
}

/** What readers send: GetItem (get -v), Query (get, put -a, history, delete) and Scan. */
const READ_ACTIONS = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"];

/**
 * The minimal policy for `role` on a table. `writer` adds `PutItem` (always conditional: IAM
 * has no condition key that could require it, so there is no create-only variant); `admin`
 * adds `BatchWriteItem` (delete and prune) and `UpdateItem` (key rotation), and sets up the
 * table; `setup` creates and checks the table and the master key.
 *
 * @example
 * ```ts
 * import { tablePolicy } from "./iam_policy_table.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const policy = tablePolicy("reader", {
 *   partition: "aws",
 *   tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/credential-store",
 * });
 * deepStrictEqual(policy.Statement[0].Action, ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]);
 * ```
 */
export function tablePolicy(
  role: PolicyRole,
  target: TablePolicyTarget,
  options: Omit<PolicyOptions, "createOnly"> = {},
): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (role !== "setup") {
    const writes = role !== "reader";
    statements.push({
      Sid: role === "admin"
        ? "ReadWriteDeleteSecrets"
        : writes
        ? "ReadWriteSecrets"
        : "ReadSecrets",
      Effect: "Allow",
      Action: [
        ...READ_ACTIONS,
        ...(writes ? ["dynamodb:PutItem"] : []),
        ...(role === "admin" ? ["dynamodb:BatchWriteItem", "dynamodb:UpdateItem"] : []),
      ],
      Resource: target.tableArn,
    });
    if (target.kms) statements.push(kmsStatement(writes, target.kms.keyArn, options));
  }
  if (role === "setup" || role === "admin") {
    statements.push({
      Sid: "SetUpTable",
      Effect: "Allow",
      Action: ["dynamodb:CreateTable", "dynamodb:DescribeTable"],
      Resource: target.tableArn,
    });
    if (target.kms) statements.push(...masterKeySetupStatements(target.kms));
  }
  return { Version: "2012-10-17", Statement: statements };
}
