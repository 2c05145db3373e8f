// A stand-in fleet worker for test/fleet/pool.test.ts: answers each job with its rel, except a
// job whose rel is "crash" (the process dies, as on a native fault) or "throw" (the job fails).
process.on("disconnect", () => process.exit(0));
process.on("message", (msg) => {
  const rel = msg.job.rel;
  if (rel === "crash") process.exit(70);
  if (rel === "throw") return process.send({ type: "failed", id: msg.id, error: "bad app", rss: 0 });
  setTimeout(() => process.send({ type: "done", id: msg.id, row: { rel, pid: process.pid, execArgv: process.execArgv }, rss: process.memoryUsage().rss }), 5);
});
