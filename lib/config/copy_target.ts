/**
 * Whether a copy's destination is its source, or lies inside it where the copy's names are.
 * Copying a store onto itself copies nothing; copying it into a prefix or folder of its own
 * (`copy bucket bucket/backup`) makes copies the next run selects and copies again, one level
 * deeper each time. Both are refused before any request.
 *
 * @example
 * ```ts
 * import { checkCopyTarget } from "./copy_target.ts";
 * import { resolveConfig } from "./config.ts";
 * import { rejects } from "node:assert/strict";
 *
 * const at = (location: string) => resolveConfig({ location, key: "alias/creds3" }, {});
 * await rejects(checkCopyTarget(at("team-secrets"), at("s3://team-secrets/")), /same store/);
 * await rejects(checkCopyTarget(at("team-secrets"), at("team-secrets/backup")), /inside/);
 * // Names outside the destination's prefix can be copied into it.
 * await checkCopyTarget(at("team-secrets"), at("team-secrets/backup"), "db/*");
 * await checkCopyTarget(at("team-secrets/app"), at("team-secrets"));
 * ```
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";
import { patternPrefix } from "../core/names.ts";
import { relative, resolve } from "../core/paths.ts";
import type { Config } from "./config.ts";
import { formatLocation } from "./location.ts";

/**
 * Throws a `UsageError` when `destination` is the store `source` is (reason
 * `copy-onto-itself`), or lies inside it where names `pattern` selects are (a prefix or folder
 * of it; reason `copy-into-itself`). S3 locations are the same bucket at the same S3 endpoint
 * (bucket names are global: any region, any credentials); tables the same table, region,
 * endpoint and profile; directories the same folder once links are followed.
 */
export async function checkCopyTarget(
  source: Config,
  destination: Config,
  pattern?: string,
): Promise<void> {
  const inside = await placeInside(source, destination);
  if (inside === undefined) return;
  const from = source.location ? formatLocation(source.location) : "";
  const to = destination.location ? formatLocation(destination.location) : "";
  if (inside === "") {
    throw new UsageError(`The source and the destination are the same store (${to})`, {
      reason: { type: "copy-onto-itself" },
    });
  }
  const selected = patternPrefix(pattern ?? "");
  if (!inside.startsWith(selected) && !selected.startsWith(inside)) return;
  throw new UsageError(
    `The destination ${to} is inside the source ${from} (its names starting with ` +
      `'${inside}'): each run would copy the copies again`,
    { reason: { type: "copy-into-itself", names: inside } },
  );
}

/**
 * Where `destination` is inside `source`, as the beginning of the source's names stored there
 * (`""` for the same store), or undefined when it is elsewhere.
 */
async function placeInside(source: Config, destination: Config): Promise<string | undefined> {
  const from = source.location;
  const to = destination.location;
  if (from === undefined || to === undefined) return undefined;
  if (from.kind === "s3" && to.kind === "s3") {
    if (from.bucket !== to.bucket || source.endpoints.s3 !== destination.endpoints.s3) {
      return undefined;
    }
    return to.prefix.startsWith(from.prefix) ? to.prefix.slice(from.prefix.length) : undefined;
  }
  if (from.kind === "dynamodb" && to.kind === "dynamodb") {
    const same = from.table === to.table && source.region === destination.region &&
      source.endpoints.dynamodb === destination.endpoints.dynamodb &&
      source.profile === destination.profile;
    return same ? "" : undefined;
  }
  if (from.kind === "directory" && to.kind === "directory") {
    const path = relative(await realPath(from.path), await realPath(to.path));
    if (path === "") return "";
    const segments = path.split(/[\\/]/);
    if (segments[0] === ".." || /^([A-Za-z]:|[\\/])/.test(path)) return undefined;
    return segments.map(decodeSegment).join("/") + "/";
  }
  return undefined;
}

/** The folder's path with links followed; as written, made absolute, when it does not exist. */
async function realPath(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch {
    return resolve(path);
  }
}

/** A directory store's folder name as the name segment it holds (`%XX` decoded). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
