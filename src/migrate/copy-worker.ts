// Worker thread: copies the input app into an --out staging folder (copy-app.ts).

import { parentPort, workerData } from "node:worker_threads";
import { copyApp, type CopyJob } from "./copy-app.js";

const job = workerData as CopyJob;
copyApp(job.from, job.to);
parentPort!.postMessage("done");
