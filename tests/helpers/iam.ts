/**
 * Reading IAM policy documents in tests.
 *
 * @module
 */
import { strictEqual } from "node:assert/strict";
import type { PolicyDocument } from "../../lib/aws/iam_policy.ts";

/** Every action the policy allows, with the resources it allows it on. */
export function grants(policy: PolicyDocument): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const s of policy.Statement) {
    strictEqual(s.Effect, "Allow");
    for (const action of s.Action) {
      map.set(action, [...(map.get(action) ?? []), ...[s.Resource].flat()]);
    }
  }
  return map;
}
