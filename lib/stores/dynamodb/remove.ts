/**
 * Deleting items in batches: BatchWriteItem takes at most 25 requests, and may leave some
 * unprocessed (throttling), which are sent again after a pause until none is left.
 *
 * @module
 */
import type { DynamoDBClient, WriteRequest } from "@aws-sdk/client-dynamodb";
import { StoreError } from "../../core/errors.ts";
import type { Item } from "./item.ts";

/** BatchWriteItem's limit on requests in one call. */
const BATCH = 25;
/** Rounds of sending unprocessed requests again before giving up. */
const ROUNDS = 8;
const FIRST_PAUSE_MS = 50;

/** Deletes the items with these keys from `table`; an SDK error is thrown as it is. */
export async function removeItems(
  client: DynamoDBClient,
  table: string,
  keys: readonly Item[],
  pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  const { BatchWriteItemCommand } = await import("@aws-sdk/client-dynamodb");
  for (let i = 0; i < keys.length; i += BATCH) {
    let requests: WriteRequest[] = keys.slice(i, i + BATCH).map((Key) => ({
      DeleteRequest: { Key },
    }));
    for (let round = 0; requests.length > 0; round++) {
      if (round === ROUNDS) {
        throw new StoreError(
          `DynamoDB BatchWriteItem on dynamodb:${table} left ${requests.length} of the ` +
            `deletions unprocessed after ${ROUNDS} attempts (the table is throttled); the ` +
            "others were deleted",
        );
      }
      if (round > 0) await pause(FIRST_PAUSE_MS * 2 ** (round - 1));
      const out = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [table]: requests } }),
      );
      requests = out.UnprocessedItems?.[table] ?? [];
    }
  }
}
