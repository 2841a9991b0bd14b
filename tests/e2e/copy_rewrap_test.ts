/**
 * `copy` and `rewrap` on the local store and on moto (S3 and KMS): the suite of
 * copy_rewrap_suite.ts between two fresh stores of each.
 */
import { localBackend, motoBackend } from "../helpers/backends.ts";
import { defineCopySuite } from "./copy_rewrap_suite.ts";

defineCopySuite("local copy", () => localBackend());
defineCopySuite("moto copy", () => motoBackend({ label: "creds3-copy" }));
