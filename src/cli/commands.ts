// The commands as yargs declares and parses them: each command's options, help text and handler
// (parse, call one use-case, print, return the exit code; no migration logic lives here). main.ts
// answers what it can before this module loads (--version, a stored --help, the plain scan): its
// static imports (the option declarations and their defaults) are what the help cache's key
// hashes (help-cache.ts).

import { VERSION } from "../version.js";
import type { Io } from "./io.js";
import { checkAppFolder, checkInputFile, numberArg, UsageError } from "./check.js";
import { argumentError, commandOf, printInternalError, printUsageError, wantsJson } from "./usage.js";
import { semanticsArgs, semanticsOptions } from "./semantics-flags.js";
import * as opt from "./options.js";
import { DEFAULT_LIMITS } from "../runtime/limits.js";
import { DEFAULT_MAX_CASES, DEFAULT_VERIFY_TIME_LIMIT_S } from "../verify/defaults.js";
import { storeHelp } from "./help-cache.js";

/** `--rules a,b --rules c` → [a, b, c]. */
function splitList(v: string[] | undefined): string[] | undefined {
  return v?.flatMap((x) => x.split(/[,\s]+/)).filter(Boolean);
}

/** Parses `argv` with yargs and runs its command; `helpRequest`: keep the help text it prints (help-cache.ts). */
export async function runCommands(argv: string[], io: Io, helpRequest: boolean): Promise<number> {
  let printed: string | undefined;
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
    .usage("hookshift: move MongoDB Atlas App Services apps off deprecated incoming webhooks onto HTTPS endpoints.\n\nUsage: $0 <command> [options]")
    .command(
      "scan <dirs..>",
      "List every app and webhook under the folders",
      (y) =>
        y
          .positional("dirs", { type: "string", array: true, demandOption: true, describe: "Folders to search (recursively) for exported apps" })
          .option("json", opt.json("Print the inventory as JSON"))
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
      "migrate <apps..>",
      "Convert each app's webhooks into HTTPS endpoints and write a report",
      (y) =>
        y
          .positional("apps", {
            type: "string",
            demandOption: true,
            default: undefined,
            describe: 'Folder of the exported app (several, or a folder of apps: a fleet, README "Fleets")',
          })
          .option("out", opt.text("Write the converted app to this new folder"))
          .option("report", opt.text("Folder for report.md/html/json and secrets.json (default: <out>-hookshift-report)"))
          .option("dry-run", opt.flag("Write nothing; print the summary and the unified diff"))
          .option("in-place", opt.flag("Write into the app folder itself"))
          .option("allow-dirty", opt.flag("With --in-place: allow uncommitted changes in the app's git work tree"))
          .option("remove-webhooks", opt.flag("Remove the converted webhooks (their old URLs stop answering)"))
          .option("force", opt.flag("Replace --out if it exists"))
          .option("recover", opt.flag("Only finish or undo an interrupted --in-place run of this app (its .hookshift-journal.json)"))
          .option("target-format", {
            type: "string",
            choices: ["20210101", "20230101"] as const,
            describe: "Config format to write (default: keep 20210101 and 20230101; upgrade older apps to 20210101)",
          })
          .option("rules", { type: "string", array: true, describe: "Only these rewrite rules (ids from `hookshift rules`; comma or space separated)" })
          .option("skip-rules", { type: "string", array: true, describe: "Not these rewrite rules" })
          .option("caller-changes", opt.flag("Keep endpoint-native contracts (e.g. Endpoint-Signature) and list what callers must change"))
          .option("json", opt.json("Print the report as JSON instead of the summary"))
          .option("verbose", opt.flag("List every webhook in the summary (default: those to look at, and a count of the converted rest)"))
          .option("stat", opt.flag("Files changed with their +/- lines, like git diff --stat (with --dry-run: instead of the diff)"))
          .option("check", opt.flag("Dry run for CI: write nothing; exit 2 when anything would change, 0 when nothing would, 1 on errors"))
          .option("jobs", opt.jobs("Fleets: apps migrated at once, each in its own worker process (default: one per core)"))
          .option("resume", opt.flag("Fleets: skip the apps an earlier run finished for the same input and hookshift version; redo the rest"))
          .example("$0 migrate ./myapp --out ./myapp-migrated", "Converted copy plus ./myapp-migrated-hookshift-report/")
          .example("$0 migrate ./myapp --dry-run", "Show the plan and diff, write nothing")
          .example("$0 migrate ./myapp --check --stat", "In CI: fail (exit 2) while the app still has webhooks to convert")
          .example("$0 migrate ./myapp --recover", "Finish (or undo) an --in-place run that was killed")
          .example("$0 migrate ./exports --out ./migrated", "Every app under ./exports; summary in ./migrated-hookshift-report/")
          .epilogue(
            "Exit codes: 0 all converted, nothing to review; 2 written, items need review; 1 errors (a webhook failed, or nothing could be written: bad arguments, no app at <app>). " +
              "With --check: 0 nothing would change; 2 something would change; 1 errors. A fleet exits with the worst of its apps' codes (1, else 2, else 0).",
          ),
      async (args) => {
        if (failedArgs) return;
        // Each command's modules load when it runs (TypeScript, ts-morph and the runtime are heavy):
        // `--version` and `--help` load none of them.
        const apps = args.apps as unknown as string[]; // a variadic positional (<apps..>) is an array
        // What one app and a fleet both take; a fleet adds --jobs and --resume.
        const options = {
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
        };
        const { fleetOf } = await import("../fleet/find.js");
        const fleet = await fleetOf(apps); // searched once: the fleet run goes on with what it found
        if (fleet) {
          const { runMigrateFleet } = await import("./fleet.js");
          code = await runMigrateFleet(apps, fleet, { ...options, jobs: args.jobs, resume: args.resume }, io);
          return;
        }
        const { runMigrate } = await import("./migrate.js");
        code = await runMigrate({ app: apps[0]!, ...options }, io);
      },
    )
    .command(
      "shim <app>",
      "Serve the app locally: old webhook URLs with webhook semantics, endpoint URLs with endpoint semantics",
      (y) =>
        semanticsOptions(
          y
            .positional("app", { type: "string", demandOption: true, describe: "Folder of the exported app" })
            .option("port", opt.port("Port to listen on, 0-65535 (0: any free port)"))
            .option("host", opt.host("Address to listen on (loopback unless told otherwise)"))
            .option("app-id", opt.appId)
            .option("secrets", opt.text("secrets.json written by migrate (endpoint Secrets, from_secret Values)"))
            .option("users", opt.text("Local users, API keys and custom-JWT secret for application auth (docs/parity.md)"))
            .option("seed", opt.text("EJSON file { db: { coll: [docs] } } loaded into the database at start"))
            .option("dump", opt.text("Write the database as EJSON to this file on exit"))
            .option("mongodb-uri", opt.text("Use a real MongoDB through the official driver instead of the embedded store"))
            .option("environment", opt.environment)
            .option("allow-network", opt.flag("Let context.http calls reach the network (recorded and refused otherwise)"))
            .option(
              "sandbox-permissions",
              opt.sandboxPermissions(
                "Run function code under Node's permission model: reads of hookshift and the app only, no writes, child processes or workers (README.md, Security; --no-sandbox-permissions turns it off)",
              ),
            ),
        )
          .option("workers", opt.workers("Function worker threads, each running one call at a time (default: one per core)"))
          .option("max-inflight-body-mb", opt.maxInflightBodyMb)
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
            ...semanticsArgs(args),
            workers: args.workers,
            maxInflightBodyMb: args.maxInflightBodyMb,
          },
          io,
        );
      },
    )
    // hookshift serve (issue 15): the shim's pipeline as a production server; src/cli/serve.ts.
    .command(
      "serve <app>",
      "Serve the app's HTTPS endpoints in production on your MongoDB: JSON logs, health checks, metrics, graceful stop",
      (y) =>
        semanticsOptions(
          y
            .positional("app", { type: "string", demandOption: true, describe: "Folder of the (migrated) exported app" })
            .option(
              "port",
              opt.port("Port to listen on, 0-65535 (0: any free port); PORT in the environment sets the default, as container platforms do", true),
            )
            .option("host", opt.host("Address to listen on; anything but loopback (0.0.0.0 in a container) must be asked for"))
            .option("webhooks", opt.flag("Also serve the old incoming-webhook URLs with webhook semantics, for callers not yet moved"))
            .option("mongodb-uri", opt.text("Your MongoDB, through the official driver (default: the MONGODB_URI environment variable)"))
            .option("embedded", opt.flag("Use the embedded in-memory database instead (data is lost at exit; not for production)"))
            .option("seed", opt.text("With --embedded: EJSON file { db: { coll: [docs] } } loaded at start"))
            .option("dump", opt.text("With --embedded: write the database as EJSON to this file at exit"))
            .option(
              "secrets",
              opt.text("JSON file of Secret name → value (secrets.json from migrate); HOOKSHIFT_SECRET_<name> variables win over it (docs/deploy.md)"),
            )
            .option(
              "users",
              opt.text("Local users, API keys and custom-JWT secret for application auth (the shim's --users file), next to those in the database"),
            )
            .option("auth-db", opt.text("Database of the users and api_keys collections serve-admin manages (default: hookshift)"))
            .option("app-id", opt.appId)
            .option("environment", opt.environment)
            .option("allow-network", opt.flag("Let context.http calls reach any host (refused otherwise)"))
            .option("allow-host", {
              type: "string",
              array: true,
              describe: "Let context.http reach this host only (repeatable; *.example.com for its subdomains)",
            })
            .option(
              "sandbox-permissions",
              opt.sandboxPermissions("Run function code under Node's permission model (docs/security.md; --no-sandbox-permissions turns it off)"),
            ),
        )
          .option("pool-size", opt.poolSize("Function worker threads a process, each running one call at a time (default: one per core)"))
          .option("max-body-mb", {
            default: DEFAULT_LIMITS.maxBodyBytes / 1024 / 1024,
            requiresArg: true,
            coerce: numberArg("--max-body-mb", { min: 0 }),
            describe: "Largest request body in MB (413 past it)",
          })
          .option("max-header-kb", {
            default: DEFAULT_LIMITS.maxHeaderBytes / 1024,
            requiresArg: true,
            coerce: numberArg("--max-header-kb", { min: 1 }),
            describe: "Largest request line and headers in KB (431 past it)",
          })
          .option("memory-limit-mb", {
            default: DEFAULT_LIMITS.memoryLimitMb,
            requiresArg: true,
            coerce: numberArg("--memory-limit-mb", { min: 16 }),
            describe: "Memory of each function worker in MB",
          })
          .option("request-timeout", {
            default: DEFAULT_LIMITS.requestTimeoutMs / 1000,
            requiresArg: true,
            coerce: numberArg("--request-timeout", { min: 1 }),
            describe: "Seconds a client has to send a whole request",
          })
          .option("max-inflight-body-mb", opt.maxInflightBodyMb)
          .option("shutdown-timeout", {
            default: 30,
            requiresArg: true,
            coerce: numberArg("--shutdown-timeout", { min: 0 }),
            describe: "Seconds a stop (SIGTERM) waits for the requests in flight; a second signal exits at once",
          })
          .option("workers", opt.withDefault(opt.workers("Server processes sharing the port (node:cluster), each with its own --pool-size"), 1))
          .option("log-level", {
            choices: ["fatal", "error", "warn", "info", "debug", "silent"] as const,
            default: "info" as const,
            describe: "Lowest level of the JSON log on stdout",
          })
          .example("$0 serve ./myapp-migrated --mongodb-uri mongodb://db:27017", "Serve the endpoints on your MongoDB at 127.0.0.1:8080")
          .example(
            "HOOKSHIFT_SECRET_orders_x2D_key=... $0 serve ./app --host 0.0.0.0 --workers 4",
            "Secrets from the environment; every interface; four processes",
          )
          .example("$0 serve ./app --embedded --seed seed.json", "Try it with an in-memory database")
          .epilogue(
            "Reserved paths: /healthz, /readyz (database reachable), /metrics (Prometheus). Secrets: HOOKSHIFT_SECRET_<name>, Values: HOOKSHIFT_VALUE_<name> (docs/deploy.md). " +
              "Logins (POST /api/client/v2.0/app/<app id>/auth/providers/<provider>/login; anonymous users too) and refresh tokens (POST/DELETE /api/client/v2.0/auth/session) need HOOKSHIFT_TOKEN_SECRET (docs/deploy.md, Users). " +
              "A custom-token JWK URI is read at start, again at most every HOOKSHIFT_JWKS_REFETCH_SECONDS (60) for an unknown kid. " +
              "Exit codes: 0 stopped by SIGTERM or Ctrl-C after finishing the requests in flight; 1 could not start: bad arguments, no database chosen, a Secret not set, " +
              "no app at <app>, a missing input file, a JWK URI that cannot be read, or the port is taken (or --workers processes crash-looped); 3 stopped, but --shutdown-timeout cut requests in flight short; " +
              "130/143 a second SIGINT/SIGTERM cut the stop short.",
          ),
      async (args) => {
        if (failedArgs) return;
        await checkAppFolder(args.app, "app");
        await checkInputFile("--secrets", args.secrets);
        await checkInputFile("--users", args.users);
        await checkInputFile("--seed", args.seed);
        const { runServeCommand } = await import("./serve-cluster.js");
        code = await runServeCommand(
          {
            app: args.app,
            port: args.port,
            host: args.host,
            appId: args.appId,
            environment: args.environment,
            webhooks: args.webhooks,
            mongodbUri: args.mongodbUri,
            embedded: args.embedded,
            seed: args.seed,
            dump: args.dump,
            secrets: args.secrets,
            users: args.users,
            allowNetwork: args.allowNetwork,
            allowHost: args.allowHost as string[] | undefined,
            sandboxPermissions: args.sandboxPermissions,
            ...semanticsArgs(args),
            poolSize: args.poolSize,
            maxBodyMb: args.maxBodyMb,
            maxHeaderKb: args.maxHeaderKb,
            memoryLimitMb: args.memoryLimitMb,
            requestTimeout: args.requestTimeout,
            maxInflightBodyMb: args.maxInflightBodyMb,
            shutdownTimeout: args.shutdownTimeout,
            logLevel: args.logLevel,
            authDb: args.authDb,
            workers: args.workers,
          },
          io,
        );
      },
    )
    // hookshift serve-admin (issue 15): serve's users and API keys; src/cli/serve-admin.ts.
    .command(
      "serve-admin <action> [name]",
      "Create, list and delete the users and API keys serve authenticates (kept in your MongoDB)",
      (y) =>
        y
          .positional("action", {
            choices: ["user-add", "user-list", "user-delete", "key-add", "key-list", "key-delete"] as const,
            demandOption: true,
            describe: "What to do",
          })
          .positional("name", {
            type: "string",
            describe: "key-add: a name for the new key; user-delete: the user's id or email; key-delete: the key's id or name",
          })
          .option("email", opt.text("user-add: the user's email (the password comes from HOOKSHIFT_ADMIN_PASSWORD)"))
          .option("mongodb-uri", opt.text("Your MongoDB (default: the MONGODB_URI environment variable)"))
          .option("embedded-file", opt.text("Instead: an EJSON file (created if missing) that serve --embedded --seed loads"))
          .option("auth-db", opt.text("Database of the users and api_keys collections (default: hookshift)"))
          .option("json", opt.json("Print the result as JSON"))
          .example("HOOKSHIFT_ADMIN_PASSWORD=... $0 serve-admin user-add --email ada@example.com", "A user for email/password authentication")
          .example("$0 serve-admin key-add billing", "An API key named billing (printed once)")
          .epilogue("Exit codes: 0 done; 1 bad arguments, no database, a user or key that exists already, or nothing to delete."),
      async (args) => {
        if (failedArgs) return;
        const { runServeAdmin } = await import("./serve-admin.js");
        code = await runServeAdmin(
          {
            action: args.action,
            target: args.name,
            email: args.email,
            mongodbUri: args.mongodbUri,
            embeddedFile: args.embeddedFile,
            authDb: args.authDb,
            json: args.json,
          },
          io,
        );
      },
    )
    .command(
      "verify [original] [migrated]",
      "Send the same requests to each webhook and its migrated endpoint and compare what they do",
      (y) =>
        y
          .positional("original", { type: "string", describe: "The app before migration" })
          .positional("migrated", { type: "string", describe: "The app after migration" })
          .option("fleet", opt.text("Verify every migrated app of a fleet run: its report folder (with fleet.json), instead of <original> <migrated>"))
          .option("jobs", opt.jobs("With --fleet: apps verified at once, each in its own worker process (default: one per core)"))
          .option("secrets", opt.text("secrets.json written by migrate"))
          .option("users", opt.text("Users file (default: verify makes its own test users)"))
          .option("seed", opt.text("EJSON seed data for every run"))
          .option("requests", opt.text("JSONL of recorded requests to add as cases"))
          .option("webhook", { type: "string", array: true, describe: "Only this webhook (S/W); repeatable" })
          .option("cases", {
            default: DEFAULT_MAX_CASES,
            requiresArg: true,
            coerce: numberArg("--cases", { min: 1, integer: true }),
            describe: "Most cases per webhook, over every round",
          })
          .option("min-coverage", {
            requiresArg: true,
            coerce: numberArg("--min-coverage", { min: 0, max: 100, what: "a percentage" }),
            describe: "Exit 2 when a webhook's own lines are covered below this percentage",
          })
          .option("coverage", opt.flag("Measure line and branch coverage (--no-coverage: faster, no rounds aimed at branches)", true))
          .option(
            "sandbox-permissions",
            opt.sandboxPermissions(
              "Run function code under Node's permission model (README.md, Security); Node 20 cannot measure coverage there, so it applies with --no-coverage; --no-sandbox-permissions turns it off",
            ),
          )
          .option(
            "time-limit",
            opt.timeLimit("Seconds one function call may run (a looping function fails that case, not the run)", DEFAULT_VERIFY_TIME_LIMIT_S),
          )
          .option("json", opt.json("Print the full result as JSON"))
          .option("report", opt.text("Write verify.json and verify.html to this folder"))
          .epilogue(
            "Exit codes: 0 every webhook equal and proven; 1 a difference, a webhook without endpoint, an unresolved marker, or an error " +
              "(bad arguments, no app at <original> or <migrated>, an app without webhooks, a --webhook it does not have, a missing input file); " +
              "2 no difference, but a webhook is unproven (no case ran its function to an answer on both sides) or below --min-coverage. " +
              "With --fleet: the worst of the apps' codes (an app that was not migrated counts as 2).",
          ),
      async (args) => {
        if (failedArgs) return;
        if (args.fleet !== undefined) {
          if (args.original !== undefined) throw new UsageError("--fleet takes no <original> <migrated>: the pairs come from the fleet's fleet.json");
          const one = [
            "--secrets",
            args.secrets,
            "--users",
            args.users,
            "--seed",
            args.seed,
            "--requests",
            args.requests,
            "--webhook",
            args.webhook,
            "--report",
            args.report,
          ];
          for (let i = 0; i < one.length; i += 2) {
            if (one[i + 1] !== undefined)
              throw new UsageError(
                `${one[i]} applies to one app, not to --fleet`,
                "Each app is verified with its own secrets.json; verify one app with `hookshift verify <original> <migrated>` to pass more.",
              );
          }
          const { runVerifyFleet } = await import("./fleet.js");
          code = await runVerifyFleet(
            {
              fleet: args.fleet,
              jobs: args.jobs,
              coverage: args.coverage,
              sandboxPermissions: args.sandboxPermissions,
              maxCases: args.cases,
              timeLimitMs: args.timeLimit * 1000,
              minCoverage: args.minCoverage,
              json: args.json,
            },
            io,
          );
          return;
        }
        if (args.original === undefined || args.migrated === undefined) {
          const missing = args.original === undefined ? "missing <original> and <migrated>" : "missing <migrated>";
          throw new UsageError(missing, "hookshift verify <original> <migrated>, or --fleet <report-dir> for a fleet run.");
        }
        await checkAppFolder(args.original, "original app");
        await checkAppFolder(args.migrated, "migrated app");
        for (const [option, file] of [
          ["--secrets", args.secrets],
          ["--users", args.users],
          ["--seed", args.seed],
          ["--requests", args.requests],
        ] as const) {
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
      "callers <report> <dirs..>",
      "Find the old webhook URLs of migrated apps in client code and configuration; rewrite them with --write",
      (y) =>
        y
          .positional("report", {
            type: "string",
            demandOption: true,
            describe: "The migration's report folder (report.json) or a fleet report folder (fleet.json)",
          })
          .positional("dirs", { type: "string", array: true, demandOption: true, describe: "Folders (or files) of client code to search, recursively" })
          .option("json", opt.json("Print the result as JSON (docs/callers.md)"))
          .option("dry-run", opt.flag("Write nothing; print the unified diff --write would apply"))
          .option("write", opt.flag("Rewrite the exact old URL literals in place (staged; refuses a dirty git tree)"))
          .option("allow-dirty", opt.flag("With --write: allow uncommitted changes in the git work tree"))
          .example("$0 callers ./myapp-report ../web ../ios", "List every old URL, the endpoint URL it becomes, and what its callers must change")
          .example("$0 callers ./report ../web --dry-run", "Show the rewrite as a unified diff; write nothing")
          .example("$0 callers ./report ../web --write", "Rewrite the URLs in place (a clean git tree, or --allow-dirty)")
          .example("$0 callers ./fleet-report . --json", "Every app of a fleet run, as JSON")
          .epilogue(
            "Searches every text file (not binary ones, node_modules, .git, or what .gitignore ignores). URLs built from parts, paths without a host " +
              "and other hosts are listed for review and never rewritten; secret values are never printed. " +
              "Exit codes: 0 no old URL of the apps found (with --write: all rewritten, nothing left for a person); 2 old URLs or places to review found " +
              "(with --write: written, but something still needs a person); 1 errors (bad arguments, an unreadable report or file, a refused write).",
          ),
      async (args) => {
        if (failedArgs) return;
        const { runCallers } = await import("./callers.js");
        code = await runCallers(
          { report: args.report, dirs: args.dirs as string[], json: args.json, dryRun: args.dryRun, write: args.write, allowDirty: args.allowDirty },
          io,
        );
      },
    )
    .command(
      "rules",
      "List the source-rewrite rules, or explain one",
      (y) =>
        y
          .option("explain", opt.text("Print a rule's documentation with the before/after of its example"))
          .option("json", opt.json("Print the rules' metadata as JSON"))
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
    .demandCommand(1, "Name a command: scan, migrate, verify, callers, shim, serve, serve-admin or rules (hookshift --help lists them).")
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
      if (output && !err) io.out((printed = output.endsWith("\n") ? output : output + "\n"));
    });
    if (helpRequest && printed !== undefined && code === 0 && !failedArgs) await storeHelp(argv, io, printed);
  } catch (e) {
    code = 1;
    if (e instanceof UsageError) usageError ??= e;
    else if (!failedArgs) internalError ??= e;
  }
  const command = commandOf(argv);
  // With --json, an error is also JSON on stdout (usage.ts); the exit code stays 1.
  const json = wantsJson(argv);
  if (usageError) printUsageError(io, usageError.message, { hint: usageError.hint, command, json });
  else if (yargsMessages.length) printUsageError(io, argumentError(yargsMessages, argv, commandOptions), { command, json });
  else if (internalError !== undefined) printInternalError(io, internalError, json);
  return code;
}
