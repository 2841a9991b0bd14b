/**
 * A credstash table in DynamoDB as a store: one item per version, keyed by `name` (hash) and
 * `version` (range, integers zero-padded to 19 digits), in credstash's own item format (see
 * `item.ts` and `docs/FORMAT.md`). New versions are written with the condition that the item
 * does not exist, as credstash writes them, so a version is never overwritten. Every read is
 * strongly consistent: a version just written is seen by the next command.
 *
 * @module
 */
import type { DynamoDBClient, QueryCommandInput, ScanCommandInput } from "@aws-sdk/client-dynamodb";
import { awsErrorCode, httpStatus } from "../../aws/errors.ts";
import { NotFoundError, StoreError } from "../../core/errors.ts";
import { latestVersion, type VersionEntry } from "../../core/names.ts";
import type {
  DescribeStore,
  LatestStore,
  ListOptions,
  RewrapStore,
  ScanStore,
  SetupStep,
  SetupStore,
  Store,
  StoredSecret,
  StoredVersion,
  VersionDetails,
} from "../../core/store.ts";
import { sameStored, settleFailedCreate } from "../../core/same_stored.ts";
import { tableError } from "./errors.ts";
import {
  ATTRIBUTE,
  detailsOf,
  entryOf,
  fromItem,
  isPaddedVersion,
  type Item,
  itemKey,
  toItem,
} from "./item.ts";
import { removeItems } from "./remove.ts";
import { replaceKeyCondition } from "./replace_key.ts";

/** What a listing projects: the key alone, never the sealed value. */
const LISTED = [ATTRIBUTE.name, ATTRIBUTE.version];
/** What a history projects: also the comment and the binary mark. */
const DESCRIBED = [...LISTED, ATTRIBUTE.comment, ATTRIBUTE.encoding];

/** A store in a credstash DynamoDB table. */
export class DynamoDbStore
  implements Store, LatestStore, ScanStore, DescribeStore, RewrapStore, SetupStore {
  readonly description: string;

  constructor(readonly client: DynamoDBClient, readonly table: string) {
    this.description = `dynamodb:${table}`;
  }

  /**
   * The error of a failed request. DynamoDB answers a request that does not fit the table's key
   * schema with a ValidationException: then the table is described, and one keyed otherwise
   * than credstash's is said to be no credstash table.
   */
  async #failure(action: string, e: unknown): Promise<Error> {
    if (awsErrorCode(e) === "ValidationException") {
      const schema = await this.#keySchema().catch(() => undefined);
      if (schema !== undefined) return this.#notCredstash(`it is keyed by ${schema || "nothing"}`);
    }
    return tableError(`DynamoDB ${action} on ${this.description} failed`, this.description, e);
  }

  /** The table's key schema when it is not credstash's (DescribeTable), else undefined. */
  async #keySchema(): Promise<string | undefined> {
    const { DescribeTableCommand } = await import("@aws-sdk/client-dynamodb");
    const { CREDSTASH_KEY_SCHEMA, keySchemaOf } = await import("./setup.ts");
    const out = await this.client.send(new DescribeTableCommand({ TableName: this.table }));
    const schema = out.Table ? keySchemaOf(out.Table) : CREDSTASH_KEY_SCHEMA;
    return schema === CREDSTASH_KEY_SCHEMA ? undefined : schema;
  }

  #notCredstash(why: string): StoreError {
    return new StoreError(`${this.description} is not a credstash table: ${why}`, {
      reason: { type: "not-credstash-table", location: this.description },
    });
  }

  /** `item`, when it has credstash's key: a `name` and a `version`, both strings. */
  #checked(item: Item): Item {
    if (item[ATTRIBUTE.name]?.S === undefined || item[ATTRIBUTE.version]?.S === undefined) {
      throw this.#notCredstash(
        `its items have no '${ATTRIBUTE.name}' and '${ATTRIBUTE.version}' strings`,
      );
    }
    return item;
  }

  /**
   * Every item of a Query (`name` given) or a Scan, following pages to the end, with only the
   * attributes `projected` (all when undefined).
   */
  async *#items(options: ListOptions, projected?: readonly string[]): AsyncIterable<Item> {
    const { QueryCommand, ScanCommand } = await import("@aws-sdk/client-dynamodb");
    const prefix = options.namePrefix ?? "";
    // DynamoDB refuses a name given in ExpressionAttributeNames that no expression uses.
    const names: Record<string, string> = {};
    if (options.name !== undefined || prefix !== "") names["#n"] = ATTRIBUTE.name;
    projected?.forEach((attribute, i) => names[`#p${i}`] = attribute);
    const base = {
      TableName: this.table,
      ConsistentRead: true,
      ProjectionExpression: projected?.map((_, i) => `#p${i}`).join(", "),
      ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
    };
    let start: Item | undefined;
    do {
      let page;
      try {
        if (options.name !== undefined) {
          const input: QueryCommandInput = {
            ...base,
            KeyConditionExpression: "#n = :n",
            ExpressionAttributeValues: { ":n": { S: options.name } },
            ExclusiveStartKey: start,
          };
          page = await this.client.send(new QueryCommand(input));
        } else {
          const input: ScanCommandInput = {
            ...base,
            ...(prefix === "" ? {} : {
              FilterExpression: "begins_with(#n, :p)",
              ExpressionAttributeValues: { ":p": { S: prefix } },
            }),
            ExclusiveStartKey: start,
          };
          page = await this.client.send(new ScanCommand(input));
        }
      } catch (e) {
        throw await this.#failure(options.name !== undefined ? "Query" : "Scan", e);
      }
      for (const item of page.Items ?? []) yield this.#checked(item);
      start = page.LastEvaluatedKey;
    } while (start);
  }

  async *list(options: ListOptions = {}): AsyncIterable<VersionEntry> {
    for await (const item of this.#items(options, LISTED)) yield entryOf(item);
  }

  /** Every version that matches with its fields: one Scan (or Query) with no read per version. */
  async *scan(options: ListOptions = {}): AsyncIterable<StoredVersion> {
    for await (const item of this.#items(options)) yield withFields(item);
  }

  async read(name: string, version: string): Promise<StoredSecret> {
    const item = await this.#get(name, version);
    if (!item) {
      throw new NotFoundError(`Version ${version} of '${name}' is not in ${this.description}`, {
        secret: { name, version },
      });
    }
    return fromItem(item);
  }

  async #get(name: string, version: string): Promise<Item | undefined> {
    const { GetItemCommand } = await import("@aws-sdk/client-dynamodb");
    try {
      const out = await this.client.send(
        new GetItemCommand({
          TableName: this.table,
          Key: itemKey(name, version),
          ConsistentRead: true,
        }),
      );
      return out.Item;
    } catch (e) {
      throw await this.#failure("GetItem", e);
    }
  }

  /**
   * One Query for the highest version, as credstash reads the latest. When it is a padded
   * integer, every version below it in the table's order is also below it by creds3's rule
   * (`latestVersion`: numbers by value, otherwise, with no dates in a table, by text). When it
   * is not, the two orders may differ: the name's versions are then all read, and the latest
   * chosen among them as creds3 chooses.
   */
  async readLatest(name: string): Promise<StoredVersion | undefined> {
    const { QueryCommand } = await import("@aws-sdk/client-dynamodb");
    let out;
    try {
      out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "#n = :n",
          ExpressionAttributeNames: { "#n": ATTRIBUTE.name },
          ExpressionAttributeValues: { ":n": { S: name } },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
    } catch (e) {
      throw await this.#failure("Query", e);
    }
    const top = out.Items?.[0] && this.#checked(out.Items[0]);
    if (!top) return undefined;
    if (isPaddedVersion(top[ATTRIBUTE.version]?.S ?? "")) return withFields(top);
    return latestVersion(await Array.fromAsync(this.scan({ name })));
  }

  async describeVersions(name: string): Promise<VersionDetails[]> {
    return await Array.fromAsync(this.#items({ name }, DESCRIBED), detailsOf);
  }

  async create(name: string, version: string, secret: StoredSecret): Promise<void> {
    const { PutItemCommand } = await import("@aws-sdk/client-dynamodb");
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toItem(name, version, secret),
          ConditionExpression: "attribute_not_exists(#n)",
          ExpressionAttributeNames: { "#n": ATTRIBUTE.name },
        }),
      );
    } catch (e) {
      const failed = {
        conflict: awsErrorCode(e) === "ConditionalCheckFailedException",
        outcomeUnknown: httpStatus(e) === undefined,
      };
      // A reader that may not read the item back cannot prove it ours.
      const holds = () => this.#holds(name, version, secret).catch(() => false);
      if (await settleFailedCreate(name, version, failed, holds)) return;
      throw await this.#failure("PutItem", e);
    }
  }

  /** Whether version `version` of `name` is stored with exactly these fields. */
  async #holds(name: string, version: string, secret: StoredSecret): Promise<boolean> {
    const item = await this.#get(name, version);
    if (!item) return false;
    return sameStored(fromItem(item), secret);
  }

  async remove(entries: readonly VersionEntry[]): Promise<void> {
    await removeItems(this.client, this.table, entries.map((e) => itemKey(e.name, e.version)))
      .catch(async (e) => {
        throw await this.#failure("BatchWriteItem", e);
      });
  }

  /** One UpdateItem of `key`, on the condition that every stored field is still `expected`. */
  async replaceKey(
    name: string,
    version: string,
    expected: StoredSecret,
    key: string,
  ): Promise<void> {
    const { UpdateItemCommand } = await import("@aws-sdk/client-dynamodb");
    const condition = replaceKeyCondition(expected);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: itemKey(name, version),
          UpdateExpression: "SET #key = :newKey",
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: { ...condition.names, "#key": ATTRIBUTE.key },
          ExpressionAttributeValues: { ...condition.values, ":newKey": { S: key } },
        }),
      );
    } catch (e) {
      if (awsErrorCode(e) !== "ConditionalCheckFailedException") {
        throw await this.#failure("UpdateItem", e);
      }
      if (!await this.#get(name, version)) {
        throw new NotFoundError(`Version ${version} of '${name}' is not in ${this.description}`, {
          secret: { name, version },
        });
      }
      throw new StoreError(
        `Version ${version} of '${name}' changed since it was read; its key was not replaced`,
        { reason: { type: "version-changed" }, secret: { name, version } },
      );
    }
  }

  /** Creates the table as credstash does (on demand), or checks it. */
  async setup(): Promise<SetupStep[]> {
    const { setupTable } = await import("./setup.ts");
    return await setupTable(this.client, this.table);
  }
}

/** An item's entry, with its fields read from it when they are needed. */
function withFields(item: Item): StoredVersion {
  return { ...entryOf(item), stored: () => fromItem(item) };
}
