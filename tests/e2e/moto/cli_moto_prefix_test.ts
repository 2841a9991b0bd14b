/** The CLI suite against moto with the store under a prefix of the bucket (`bucket/app/prod/`). */
import { defineCliSuite } from "../cli_suite.ts";
import { motoBackend } from "../../helpers/backends.ts";

defineCliSuite("moto with prefix", () => motoBackend({ prefix: "app/prod/" }));
