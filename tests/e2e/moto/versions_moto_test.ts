/**
 * The versions suite (keys, history, prune, comments, binary secrets) against moto, in a file of
 * its own so that it runs in parallel with the CLI suites.
 */
import { defineVersionsSuite } from "../versions_suite.ts";
import { motoBackend } from "../../helpers/backends.ts";

defineVersionsSuite(
  "moto versions",
  () => motoBackend({ prefix: "team/", label: "creds3-versions" }),
);
