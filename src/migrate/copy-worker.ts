// Worker thread: copies the input app into an --out staging folder (copy-app.ts) and posts the
// input hash when the job asks for it (else undefined).

import { parentPort, workerData } from "node:worker_threads";
import { copyApp, type CopyJob } from "./copy-app.js";

parentPort!.postMessage(copyApp(workerData as CopyJob));
