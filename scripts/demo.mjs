#!/usr/bin/env node
// `npm run demo`: migrate the bundled demo app and say where the results are. Exit code 2
// ("written, items need review") is the expected outcome for the demo app, so it counts as success.
import { main } from "../dist/src/cli/main.js";

const code = await main(["migrate", "fixtures/apps/demo", "--out", "demo-output/app", "--report", "demo-output/report", "--force"]);
if (code === 2) {
  console.log("\nDemo finished: the converted app is in demo-output/app, the report in demo-output/report/report.md (and report.html).");
  console.log('Exit code 2 means "written, items need review": open the report\'s "Needs a person" section.');
}
process.exitCode = code === 2 ? 0 : code;
