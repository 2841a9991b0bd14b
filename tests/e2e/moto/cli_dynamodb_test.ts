/** The CLI suite against a credstash table on moto (`-l dynamodb:TABLE`). */
import { defineCliSuite } from "../cli_suite.ts";
import { dynamodbBackend } from "../../helpers/backends.ts";

defineCliSuite("dynamodb", () => dynamodbBackend("creds3-ddb-cli"));
