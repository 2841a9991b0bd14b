/**
 * The versions suite (keys, history, prune, comments, binary secrets) against a credstash table
 * on moto, in a file of its own so that it runs in parallel with the CLI suites.
 */
import { defineVersionsSuite } from "../versions_suite.ts";
import { dynamodbBackend } from "../../helpers/backends.ts";

defineVersionsSuite("dynamodb versions", () => dynamodbBackend("creds3-ddb-versions"));
