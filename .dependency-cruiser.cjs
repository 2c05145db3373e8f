// The import rules of src/ (issue 14, "a house that shows its layers"), checked by
// test/docs/layers.test.ts on every `npm test`. From the bottom up:
//   util, plan (shared plan types), app (reading exports)          the foundation
//   rewrite, runtime, report, upgrade, migrate, scan, verify       the product's parts
//   commands (the one-app use-cases: scan, migrate, verify),
//   fleet, callers, serve                                          commands over many parts
//   cli                                                            argument parsing and printing
// A module may import its own layer's modules and those below it, never above.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "A cycle between modules makes neither of them readable on its own. A type-only import that closes a loop inside one folder " +
        "(a module's shapes next to the functions that make them, e.g. report/build.ts and report/markdown.ts) is erased at run time and allowed.",
      from: { path: "^src/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "foundation-stays-below",
      severity: "error",
      comment: "util, plan and app are the foundation: they import nothing of the product above them.",
      from: { path: "^src/(util|plan|app)/" },
      to: { path: "^src/(rewrite|runtime|report|upgrade|migrate|scan|verify|commands|fleet|callers|serve|cli)/" },
    },
    {
      name: "parts-below-commands",
      severity: "error",
      comment: "The product's parts (pure planning, rewriting, reporting, the runtime) never import the commands that orchestrate them, or the CLI.",
      from: { path: "^src/(rewrite|runtime|report|upgrade|migrate|scan|verify)/" },
      to: { path: "^src/(commands|fleet|callers|serve|cli)/" },
    },
    {
      name: "commands-below-cli",
      severity: "error",
      comment: "Only the CLI parses arguments and prints; no use-case imports it.",
      from: { path: "^src/(commands|fleet|callers|serve)/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "runtime-stands-alone",
      severity: "error",
      comment: "The function runtime (shim, serve, verify's sessions) does not plan, rewrite or report migrations.",
      from: { path: "^src/runtime/" },
      to: { path: "^src/(rewrite|report|upgrade|migrate|scan|verify|commands)/" },
    },
    {
      name: "plan-types-only",
      severity: "error",
      comment: "src/plan holds the shared plan types: it imports only the foundation.",
      from: { path: "^src/plan/" },
      to: { path: "^src/(?!plan/|util/|app/)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
  },
};
