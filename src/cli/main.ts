// The command line: parse arguments, call one use-case, print, return the exit code.
// No migration logic lives here. `main` takes its output streams so tests run it in-process.

import { VERSION } from "../version.js";
import { processIo, type Io } from "./io.js";
import { checkAppFolder, checkInputFile, numberArg, UsageError } from "./check.js";
import { argumentError, commandOf, printUsageError } from "./usage.js";

/** `--rules a,b --rules c` → [a, b, c]. */
function splitList(v: string[] | undefined): string[] | undefined {
  return v?.flatMap((x) => x.split(/[,\s]+/)).filter(Boolean);
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  // `hookshift --version` answers before yargs loads (about half of the start-up: bench/startup.mjs).
  if (argv.length === 1 && argv[0] === "--version") {
    io.out(VERSION + "\n");
    return 0;
  }
  const { default: yargs } = await import("yargs");
  let code = 0;
  let failedArgs = false;
  // What went wrong, printed once after parsing (usage.ts): yargs may report one mistake twice.
  const yargsMessages: string[] = [];
  let commandOptions: string[] = [];
  let usageError: UsageError | undefined;
  let internalError: unknown;
  const parser = yargs(argv)
    .scriptName("hookshift")
    .usage(
      "hookshift: move MongoDB Atlas App Services apps off deprecated incoming webhooks onto HTTPS endpoints.\n\nUsage: $0 <command> [options]",
    )
    .command(
      "scan <dirs..>",
      "List every app and webhook under the folders",
      (y) =>
        y
          .positional("dirs", { type: "string", array: true, demandOption: true, describe: "Folders to search (recursively) for exported apps" })
          .option("json", { type: "boolean", default: false, describe: "Print the inventory as JSON" })
          .example("$0 scan ./exports", "Inventory every app under ./exports")
          .example("$0 scan ./myapp --json", "Machine-readable inventory")
          .epilogue("Exit codes: 0 every app read without errors; 1 an input has errors, no app was found, or bad arguments."),
      async (args) => {
        if (failedArgs) return;
        const { runScan } = await import("./scan.js");
        code = await runScan({ dirs: args.dirs as string[], json: args.json }, io);
      },
    )
    .command(
      "migrate <app>",
      "Convert the app's webhooks into HTTPS endpoints and write a report",
      (y) =>
        y
          .positional("app", { type: "string", demandOption: true, describe: "Folder of the exported app" })
          .option("out", { type: "string", describe: "Write the converted app to this new folder" })
          .option("report", { type: "string", describe: "Folder for report.md/html/json and secrets.json (default: <out>-hookshift-report)" })
          .option("dry-run", { type: "boolean", default: false, describe: "Write nothing; print the summary and the unified diff" })
          .option("in-place", { type: "boolean", default: false, describe: "Write into the app folder itself" })
          .option("allow-dirty", { type: "boolean", default: false, describe: "With --in-place: allow uncommitted changes in the app's git work tree" })
          .option("remove-webhooks", { type: "boolean", default: false, describe: "Remove the converted webhooks (their old URLs stop answering)" })
          .option("force", { type: "boolean", default: false, describe: "Replace --out if it exists" })
          .option("recover", { type: "boolean", default: false, describe: "Only finish or undo an interrupted --in-place run of this app (its .hookshift-journal.json)" })
          .option("target-format", {
            type: "string",
            choices: ["20210101", "20230101"] as const,
            describe: "Config format to write (default: keep 20210101 and 20230101; upgrade older apps to 20210101)",
          })
          .option("rules", { type: "string", array: true, describe: "Only these rewrite rules (ids from `hookshift rules`; comma or space separated)" })
          .option("skip-rules", { type: "string", array: true, describe: "Not these rewrite rules" })
          .option("caller-changes", { type: "boolean", default: false, describe: "Keep endpoint-native contracts (e.g. Endpoint-Signature) and list what callers must change" })
          .option("json", { type: "boolean", default: false, describe: "Print the report as JSON instead of the summary" })
          .option("verbose", { type: "boolean", default: false, describe: "List every webhook in the summary (default: those to look at, and a count of the converted rest)" })
          .option("stat", { type: "boolean", default: false, describe: "Files changed with their +/- lines, like git diff --stat (with --dry-run: instead of the diff)" })
          .option("check", { type: "boolean", default: false, describe: "Dry run for CI: write nothing; exit 2 when anything would change, 0 when nothing would, 1 on errors" })
          .example("$0 migrate ./myapp --out ./myapp-migrated", "Converted copy plus ./myapp-migrated-hookshift-report/")
          .example("$0 migrate ./myapp --dry-run", "Show the plan and diff, write nothing")
          .example("$0 migrate ./myapp --check --stat", "In CI: fail (exit 2) while the app still has webhooks to convert")
          .example("$0 migrate ./myapp --recover", "Finish (or undo) an --in-place run that was killed")
          .epilogue(
            "Exit codes: 0 all converted, nothing to review; 2 written, items need review; 1 errors (a webhook failed, or nothing could be written: bad arguments, no app at <app>). " +
              "With --check: 0 nothing would change; 2 something would change; 1 errors.",
          ),
      async (args) => {
        if (failedArgs) return;
        // Each command's modules load when it runs (TypeScript, ts-morph and the runtime are heavy):
        // `--version` and `--help` load none of them.
        const { runMigrate } = await import("./migrate.js");
        code = await runMigrate(
          {
            app: args.app,
            out: args.out,
            report: args.report,
            dryRun: args.dryRun,
            inPlace: args.inPlace,
            allowDirty: args.allowDirty,
            removeWebhooks: args.removeWebhooks,
            force: args.force,
            recover: args.recover,
            targetFormat: args.targetFormat,
            rules: splitList(args.rules as string[] | undefined),
            skipRules: splitList(args.skipRules as string[] | undefined),
            callerChanges: args.callerChanges,
            json: args.json,
            verbose: args.verbose,
            stat: args.stat,
            check: args.check,
          },
          io,
        );
      },
    )
    .command(
      "shim <app>",
      "Serve the app locally: old webhook URLs with webhook semantics, endpoint URLs with endpoint semantics",
      (y) =>
        y
          .positional("app", { type: "string", demandOption: true, describe: "Folder of the exported app" })
          .option("port", { default: 8080, requiresArg: true, coerce: numberArg("--port", { min: 0, max: 65535, integer: true }), describe: "Port to listen on, 0-65535 (0: any free port)" })
          .option("host", { type: "string", default: "127.0.0.1", describe: "Address to listen on (loopback unless told otherwise)" })
          .option("app-id", { type: "string", describe: "App id in the URLs (default: the app's config)" })
          .option("secrets", { type: "string", describe: "secrets.json written by migrate (endpoint Secrets, from_secret Values)" })
          .option("users", { type: "string", describe: "Local users, API keys and custom-JWT secret for application auth (docs/parity.md)" })
          .option("seed", { type: "string", describe: "EJSON file { db: { coll: [docs] } } loaded into the database at start" })
          .option("dump", { type: "string", describe: "Write the database as EJSON to this file on exit" })
          .option("mongodb-uri", { type: "string", describe: "Use a real MongoDB through the official driver instead of the embedded store" })
          .option("environment", { type: "string", describe: "environments/<name>.json for context.environment" })
          .option("allow-network", { type: "boolean", default: false, describe: "Let context.http calls reach the network (recorded and refused otherwise)" })
          .option("sandbox-permissions", { type: "boolean", default: true, describe: "Run function code under Node's permission model: reads of hookshift and the app only, no writes, child processes or workers (README.md, Security; --no-sandbox-permissions turns it off)" })
          .option("error-status", { type: "string", array: true, default: [], describe: "Override an error status: <kind>=<code> (docs/parity.md)" })
          .option("webhook-no-result-status", { default: 200, requiresArg: true, coerce: numberArg("--webhook-no-result-status", { min: 100, max: 599, integer: true, what: "an HTTP status" }), describe: "Webhook status with respond_result off and no response set" })
          .option("endpoint-no-result-status", { default: 204, requiresArg: true, coerce: numberArg("--endpoint-no-result-status", { min: 100, max: 599, integer: true, what: "an HTTP status" }), describe: "Endpoint status with respond_result off and no body set" })
          .option("header-case", { choices: ["canonical", "as-sent"] as const, default: "canonical" as const, describe: "Header names in payload.headers" })
          .option("query-secret", { choices: ["visible", "hidden"] as const, default: "visible" as const, describe: "Whether payload.query / request.query keep the secret parameter" })
          .option("raw-query-question-mark", { type: "boolean", default: false, describe: "Start context.request.rawQueryString with '?'" })
          .option("webhook-empty-body", { choices: ["undefined", "empty-binary"] as const, default: "undefined" as const, describe: "payload.body of a body-less webhook request" })
          .option("webhook-signature-over", { choices: ["raw", "ejson"] as const, default: "raw" as const, describe: "What X-Hook-Signature signs: the raw body or its EJSON re-serialisation" })
          .option("endpoint-head-as-get", { type: "boolean", default: false, describe: "Serve HEAD requests from the route's GET endpoint (default: endpoints have no HEAD method, docs/parity.md)" })
          .option("set-body-other", { choices: ["error", "string", "ejson"] as const, default: "error" as const, describe: "response.setBody with neither a string nor a BSON.Binary: fail, String(value), or its EJSON" })
          .option("time-limit", { default: 300, requiresArg: true, coerce: numberArg("--time-limit", { min: 0 }), describe: "Seconds a function may run (App Services' limit)" })
          .option("workers", { requiresArg: true, coerce: numberArg("--workers", { min: 1, integer: true }), describe: "Function worker threads, each running one call at a time (default: one per core)" })
          .option("max-inflight-body-mb", { default: 256, requiresArg: true, coerce: numberArg("--max-inflight-body-mb", { min: 1 }), describe: "MB of request bodies held at once; past it requests get 503" })
          .option("await-pending", { type: "boolean", default: true, describe: "Answer once the work a function did not await (database calls, context.http, timers) has settled (--no-await-pending: answer when it returns)" })
          .epilogue(
            "Exit codes: 0 served until Ctrl-C or SIGTERM (then --dump is written); 1 could not start: bad arguments, no app at <app>, " +
              "a missing --secrets/--users/--seed file, or the port is taken.",
          ),
      async (args) => {
        if (failedArgs) return;
        await checkAppFolder(args.app, "app");
        await checkInputFile("--secrets", args.secrets);
        await checkInputFile("--users", args.users);
        await checkInputFile("--seed", args.seed);
        // The runtime (worker threads, database drivers) loads only for the commands that use it.
        const { runShim } = await import("./shim.js");
        code = await runShim(
          {
            app: args.app,
            port: args.port,
            host: args.host,
            appId: args.appId,
            secrets: args.secrets,
            users: args.users,
            seed: args.seed,
            dump: args.dump,
            mongodbUri: args.mongodbUri,
            environment: args.environment,
            allowNetwork: args.allowNetwork,
            sandboxPermissions: args.sandboxPermissions,
            errorStatus: args.errorStatus as string[],
            webhookNoResultStatus: args.webhookNoResultStatus,
            endpointNoResultStatus: args.endpointNoResultStatus,
            headerCase: args.headerCase,
            querySecret: args.querySecret,
            rawQueryQuestionMark: args.rawQueryQuestionMark,
            webhookEmptyBody: args.webhookEmptyBody,
            webhookSignatureOver: args.webhookSignatureOver,
            endpointHeadAsGet: args.endpointHeadAsGet,
            setBodyOther: args.setBodyOther,
            timeLimit: args.timeLimit,
            awaitPending: args.awaitPending,
            workers: args.workers,
            maxInflightBodyMb: args.maxInflightBodyMb,
          },
          io,
        );
      },
    )
    .command(
      "verify <original> <migrated>",
      "Send the same requests to each webhook and its migrated endpoint and compare what they do",
      (y) =>
        y
          .positional("original", { type: "string", demandOption: true, describe: "The app before migration" })
          .positional("migrated", { type: "string", demandOption: true, describe: "The app after migration" })
          .option("secrets", { type: "string", describe: "secrets.json written by migrate" })
          .option("users", { type: "string", describe: "Users file (default: verify makes its own test users)" })
          .option("seed", { type: "string", describe: "EJSON seed data for every run" })
          .option("requests", { type: "string", describe: "JSONL of recorded requests to add as cases" })
          .option("webhook", { type: "string", array: true, describe: "Only this webhook (S/W); repeatable" })
          .option("cases", { default: 40, requiresArg: true, coerce: numberArg("--cases", { min: 1, integer: true }), describe: "Most cases per webhook, over every round" })
          .option("min-coverage", { requiresArg: true, coerce: numberArg("--min-coverage", { min: 0, max: 100, what: "a percentage" }), describe: "Exit 2 when a webhook's own lines are covered below this percentage" })
          .option("coverage", { type: "boolean", default: true, describe: "Measure line and branch coverage (--no-coverage: faster, no rounds aimed at branches)" })
          .option("sandbox-permissions", { type: "boolean", default: true, describe: "Run function code under Node's permission model (README.md, Security); Node 20 cannot measure coverage there, so it applies with --no-coverage; --no-sandbox-permissions turns it off" })
          .option("time-limit", { default: 10, requiresArg: true, coerce: numberArg("--time-limit", { min: 0 }), describe: "Seconds one function call may run (a looping function fails that case, not the run)" })
          .option("json", { type: "boolean", default: false, describe: "Print the full result as JSON" })
          .option("report", { type: "string", describe: "Write verify.json and verify.html to this folder" })
          .epilogue(
            "Exit codes: 0 every webhook equal and proven; 1 a difference, a webhook without endpoint, an unresolved marker, or an error " +
              "(bad arguments, no app at <original> or <migrated>, an app without webhooks, a --webhook it does not have, a missing input file); " +
              "2 no difference, but a webhook is unproven (no case ran its function to an answer on both sides) or below --min-coverage.",
          ),
      async (args) => {
        if (failedArgs) return;
        await checkAppFolder(args.original, "original app");
        await checkAppFolder(args.migrated, "migrated app");
        for (const [option, file] of [["--secrets", args.secrets], ["--users", args.users], ["--seed", args.seed], ["--requests", args.requests]] as const) {
          await checkInputFile(option, file);
        }
        const { runVerify } = await import("./verify.js");
        code = await runVerify(
          {
            original: args.original,
            migrated: args.migrated,
            secretsFile: args.secrets,
            usersFile: args.users,
            seedFile: args.seed,
            requestsFile: args.requests,
            webhooks: args.webhook as string[] | undefined,
            maxCases: args.cases,
            minCoverage: args.minCoverage,
            coverage: args.coverage,
            sandboxPermissions: args.sandboxPermissions,
            timeLimitMs: args.timeLimit * 1000,
            json: args.json,
            report: args.report,
          },
          io,
        );
      },
    )
    .command(
      "rules",
      "List the source-rewrite rules, or explain one",
      (y) =>
        y
          .option("explain", { type: "string", describe: "Print a rule's documentation with the before/after of its example" })
          .option("json", { type: "boolean", default: false, describe: "Print the rules' metadata as JSON" })
          .epilogue("Exit codes: 0 listed or explained; 1 no such rule, or bad arguments."),
      async (args) => {
        if (failedArgs) return;
        const { runRules } = await import("./rules.js");
        code = runRules({ explain: args.explain, json: args.json }, io);
      },
    )
    .option("color", { type: "boolean", describe: "Colour the output (default: on a terminal; FORCE_COLOR and NO_COLOR are honoured)" })
    .middleware((a) => {
      if (typeof a.color === "boolean") io.color = a.color;
    })
    .demandCommand(1, "Name a command: scan, migrate, shim, verify or rules (hookshift --help lists them).")
    .strict()
    .recommendCommands()
    .version(VERSION)
    .help()
    .alias("h", "help")
    .wrap(Math.min(100, io.columns))
    .exitProcess(false)
    .fail((msg, err) => {
      // Argument errors (yargs' own, or a UsageError from a check or a command), and errors thrown
      // by a command's handler: collected here, printed once below; never a stack trace.
      code = 1;
      failedArgs = true;
      if (err instanceof UsageError) usageError ??= err;
      else if (msg) {
        yargsMessages.push(msg);
        // getOptions() (untyped in @types/yargs) lists the running command's options, for "did you mean".
        const known = (parser as unknown as { getOptions?: () => { key?: Record<string, unknown> } }).getOptions?.().key;
        commandOptions = Object.keys(known ?? {});
      } else internalError ??= err;
    });
  try {
    await parser.parseAsync(argv, {}, (err, _argv, output) => {
      if (output && !err) io.out(output.endsWith("\n") ? output : output + "\n");
    });
  } catch (e) {
    code = 1;
    if (e instanceof UsageError) usageError ??= e;
    else if (!failedArgs) internalError ??= e;
  }
  const command = commandOf(argv);
  if (usageError) printUsageError(io, usageError.message, { hint: usageError.hint, command });
  else if (yargsMessages.length) printUsageError(io, argumentError(yargsMessages, argv, commandOptions), { command });
  else if (internalError !== undefined) {
    const e = internalError;
    io.err(`hookshift: internal error: ${e instanceof Error ? e.message : String(e)}\nPlease report it with the command you ran.\n`);
  }
  return code;
}
