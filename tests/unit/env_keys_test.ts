/** Tests for mapping secret names to environment-variable keys. Secrets here are made up. */

import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { envKey, mapKeys, validateEnvKey } from "../../plugins/env_keys.ts";
import { ExportError } from "../../lib/core/errors.ts";

/** Asserts an ExportError whose message contains every one of `parts` and no value. */
function refuses(fn: () => unknown, parts: string[], values: string[] = []): void {
  throws(fn, (error: unknown) => {
    ok(error instanceof ExportError, `expected ExportError, got ${error}`);
    for (const part of parts) {
      ok(error.message.includes(part), `'${part}' missing: ${error.message}`);
    }
    for (const value of values) {
      ok(!error.message.includes(value), `value leaked: ${error.message}`);
    }
    ok(!error.message.endsWith("."));
    return true;
  });
}

Deno.test("env style upper-cases and replaces every other character with '_'", () => {
  const keys: Record<string, string> = {
    "db.password": "DB_PASSWORD",
    "api-key": "API_KEY",
    "Already_OK_1": "ALREADY_OK_1",
    "2fa/seed": "_2FA_SEED",
    "9": "_9",
    "_x": "_X",
    "a b\tc": "A_B_C",
    "émoji🎉x": "_MOJI_X",
    "straße": "STRA_E",
    "$HOME": "_HOME",
  };
  for (const [name, key] of Object.entries(keys)) {
    equal(envKey(name), key, name);
    validateEnvKey(key);
  }
});

Deno.test("mapKeys env style maps names and keeps values", () => {
  const secrets = { "db.url": "postgres://db", "api-key": "k-123", "2fa": "otp" };
  deepStrictEqual(mapKeys(secrets, { style: "env" }), {
    DB_URL: "postgres://db",
    API_KEY: "k-123",
    _2FA: "otp",
  });
  deepStrictEqual(secrets, { "db.url": "postgres://db", "api-key": "k-123", "2fa": "otp" });
});

Deno.test("stripPrefix removes a leading prefix and leaves other names unchanged", () => {
  const secrets = { "app/db-url": "u", "app/port": "5432", "other/token": "t", "xapp/y": "y" };
  deepStrictEqual(mapKeys(secrets, { style: "env", stripPrefix: "app/" }), {
    DB_URL: "u",
    PORT: "5432",
    OTHER_TOKEN: "t",
    XAPP_Y: "y",
  });
  deepStrictEqual(mapKeys(secrets, { style: "keep", stripPrefix: "app/" }), {
    "db-url": "u",
    port: "5432",
    "other/token": "t",
    "xapp/y": "y",
  });
  deepStrictEqual(mapKeys({ "app.x": "1" }, { style: "keep", stripPrefix: "" }), { "app.x": "1" });
});

Deno.test("keep style keeps names exactly, even ones no shell accepts", () => {
  const secrets = { "a.b": "1", "lower-case": "2", ["__proto__"]: "3", "é": "4" };
  const mapped = mapKeys(secrets, { style: "keep" });
  deepStrictEqual(Object.keys(mapped).sort(), ["__proto__", "a.b", "lower-case", "é"]);
  equal(Object.getPrototypeOf(mapped), Object.prototype);
  ok(Object.hasOwn(mapped, "__proto__"));
  equal(mapped["é"], "4");
});

Deno.test("two names mapping to one key are refused, naming both and the key", () => {
  refuses(
    () => mapKeys({ "a.b": "value-one", "a-b": "value-two" }, { style: "env" }),
    ["'a-b'", "'a.b'", "'A_B'"],
    ["value-one", "value-two"],
  );
  refuses(
    () => mapKeys({ "db_url": "v1", "DB_URL": "v2" }, { style: "env" }),
    ["'DB_URL'", "'db_url'"],
    ["v1", "v2"],
  );
  refuses(
    () => mapKeys({ "app/x": "v1", "x": "v2" }, { style: "keep", stripPrefix: "app/" }),
    ["'app/x'", "'x'"],
  );
  refuses(
    () => mapKeys({ "app/token": "v1", "TOKEN": "v2" }, { style: "env", stripPrefix: "app/" }),
    ["'app/token'", "'TOKEN'"],
  );
  // The message does not depend on insertion order.
  const messages = [{ "a.b": "1", "a-b": "2" }, { "a-b": "2", "a.b": "1" }].map((s) => {
    try {
      mapKeys(s, { style: "env" });
    } catch (error) {
      return (error as Error).message;
    }
    return "";
  });
  equal(messages[0], messages[1]);
  equal(messages[0], "Secrets 'a-b' and 'a.b' both map to key 'A_B'");
});

Deno.test("a name that maps to an empty key is refused", () => {
  refuses(() => mapKeys({ "app/": "v" }, { style: "env", stripPrefix: "app/" }), ["'app/'"]);
  refuses(() => mapKeys({ "app/": "v" }, { style: "keep", stripPrefix: "app/" }), ["'app/'"]);
  refuses(() => mapKeys({ "": "v" }, { style: "env" }), ["''"]);
});

Deno.test("validateEnvKey accepts shell names and refuses the rest, naming the key", () => {
  for (const key of ["A", "_", "_1", "a_B_9", "PATH", "x".repeat(300)]) validateEnvKey(key);
  for (const key of ["", "1A", "A-B", "A.B", "A B", "É", "A=B", "$A", "A\n"]) {
    refuses(() => validateEnvKey(key), [`'${key}'`]);
  }
});

Deno.test("mapKeys output is the same whatever the insertion order", () => {
  const forward = { "b.x": "1", "a.y": "2", "c": "3" };
  const backward = { "c": "3", "a.y": "2", "b.x": "1" };
  deepStrictEqual(mapKeys(forward, { style: "env" }), mapKeys(backward, { style: "env" }));
  deepStrictEqual(Object.keys(mapKeys(backward, { style: "env" })), ["A_Y", "B_X", "C"]);
});
