// "Next steps": what to do after a run, with the exact commands for this app. Pure: built from
// the report model and the paths as the user typed them; the console, report.md and report.json
// show the same list (report.json's `nextSteps`).

import type { Report } from "./build.js";

export interface NextStep {
  text: string;
  /** A command to run, for this app and these folders, ready to paste. */
  command?: string;
}

export interface NextStepsContext {
  /** The app folder, the output folder and the report folder, as the user would type them. */
  app: string;
  outDir?: string;
  reportDir?: string;
  /** The run removed the converted webhooks already. */
  removedWebhooks?: boolean;
}

/** A word for the shell: quoted unless it is plain. */
export function shellWord(s: string): string {
  return /^[\w./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** Next steps after `migrate`. */
export function migrateNextSteps(report: Report, ctx: NextStepsContext): NextStep[] {
  const s = report.summary;
  const app = shellWord(ctx.app);
  if (report.blocked) {
    return [{ text: "Fix the errors above (each names its file and line), then run the same command again." }];
  }
  if (s.webhooks === 0 && report.files.length === 0) return [{ text: "Nothing to migrate: the app has no incoming webhooks." }];
  if (report.output.mode === "dry-run") {
    const steps: NextStep[] = [];
    if (report.files.length === 0) return [{ text: "Nothing would change: every webhook is converted already." }];
    steps.push({ text: "Write the converted app and its report to a new folder", command: `hookshift migrate ${app} --out ${shellWord(defaultOut(ctx.app))}` });
    return steps;
  }
  const steps: NextStep[] = [];
  const reportMd = ctx.reportDir ? `${ctx.reportDir}/report.md` : "report.md";
  const review = s.needsReview + s.appNeedsReview;
  const items = countReviewItems(report);
  if (s.failed > 0) {
    steps.push({
      text: `Fix the ${s.failed} webhook${plural(s.failed, "", "s")} that failed (errors under "Webhooks" in ${reportMd}) and run hookshift again.`,
    });
  }
  if (review > 0) {
    steps.push({ text: `Review the ${items} item${plural(items, "", "s")} under "Needs a person" in ${reportMd} and tick each one off.` });
  }
  const out = report.output.mode === "out" ? ctx.outDir : undefined;
  const secretsFile = ctx.reportDir ? `${ctx.reportDir}/secrets.json` : undefined;
  if (s.webhooks === 0) {
    // Only the format changed: nothing to verify and no caller to move.
  } else if (out) {
    steps.push({
      text: "Check that each endpoint answers as its webhook did",
      command: `hookshift verify ${app} ${shellWord(out)}${report.secrets.length > 0 && secretsFile ? ` --secrets ${shellWord(secretsFile)}` : ""}`,
    });
  } else {
    steps.push({
      text:
        "Check that each endpoint answers as its webhook did: run `hookshift verify <copy of the app before the change> " +
        ctx.app +
        "` (for instance on a checkout of the previous commit)",
    });
  }
  const n = report.secrets.length;
  if (n > 0 && ctx.reportDir) {
    steps.push({
      text: `Create the ${n} App Services Secret${plural(n, "", "s")} the endpoints check requests against (values read from secrets.json when the script runs)`,
      command: `sh ${shellWord(`${ctx.reportDir}/create-secrets.sh`)}`,
    });
  }
  const local = shellWord(out ?? ctx.app);
  const remote = shellWord(report.app.appId ?? "<app-id>");
  steps.push({ text: "See what the push would change in App Services", command: `appservices push --local ${local} --remote ${remote} --dry-run` });
  steps.push({ text: "Push the converted app", command: `appservices push --local ${local} --remote ${remote}` });
  if (s.webhooks > 0) {
    steps.push(
      ctx.reportDir
        ? {
            text: `Point each caller at its new endpoint URL (the URL map in ${reportMd}); find the old URLs in your client code (--write rewrites them)`,
            command: `hookshift callers ${shellWord(ctx.reportDir)} path/to/client-code`,
          }
        : { text: `Point each caller at its new endpoint URL (the URL map in ${reportMd}).` },
    );
  }
  if (!ctx.removedWebhooks && s.converted + s.needsReview + s.alreadyConverted > 0) {
    steps.push(
      out
        ? {
            text: "Once no caller uses the old webhook URLs, remove the webhooks",
            command: `hookshift migrate ${app} --out ${shellWord(out)} --force --remove-webhooks`,
          }
        : { text: "Once no caller uses the old webhook URLs, remove the webhook folders (the Source folder of each webhook in the report)." },
    );
  }
  return steps;
}

function countReviewItems(report: Report): number {
  let n = 0;
  for (const w of report.webhooks) for (const f of w.findings) if (f.needsReview) n++;
  for (const f of report.findings) if (f.needsReview) n++;
  return n;
}

/** The --out folder hookshift suggests for an app folder: `<app>-migrated`. */
function defaultOut(app: string): string {
  const trimmed = app.replace(/[\\/]+$/, "");
  return `${trimmed === "" || trimmed === "." ? "app" : trimmed}-migrated`;
}

/** Next steps after `scan`: the migrate command of each app with webhooks to convert. */
export function scanNextSteps(apps: { root: string; webhooks: { alreadyConverted: boolean }[] }[]): NextStep[] {
  const todo = apps.filter((a) => a.webhooks.some((w) => !w.alreadyConverted));
  if (apps.length > 0 && todo.length === 0) return [{ text: "Nothing to migrate: every webhook found is converted already (or there are none)." }];
  if (todo.length > SCAN_STEPS) {
    const n = todo.reduce((k, a) => k + a.webhooks.filter((w) => !w.alreadyConverted).length, 0);
    return [
      {
        text: `Migrate each of the ${todo.length} apps with webhooks to convert (${n} webhooks), first one`,
        command: `hookshift migrate ${shellWord(todo[0]!.root)} --out ${shellWord(defaultOut(todo[0]!.root))}`,
      },
    ];
  }
  return todo.map((a) => {
    const n = a.webhooks.filter((w) => !w.alreadyConverted).length;
    return {
      text: `Migrate ${a.root} (${n} webhook${plural(n, "", "s")} to convert)`,
      command: `hookshift migrate ${shellWord(a.root)} --out ${shellWord(defaultOut(a.root))}`,
    };
  });
}

/** Apps scan names one by one in its next steps; above, one step for all. */
const SCAN_STEPS = 5;
