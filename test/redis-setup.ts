// Starts a real Redis server on loopback for the queue tests (`.ci/run` installs Debian's
// redis-server) and stops it afterwards. Without redis-server the Redis tests are skipped, loudly;
// with CI=true (as `.ci/run` sets) they are required and the run fails.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import type { TestProject } from "vitest/node";

let redis: ChildProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export default async function setup(project: TestProject) {
  const port = await freePort();
  redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const started = await new Promise<boolean>((resolve) => {
    redis?.once("error", () => resolve(false));
    setTimeout(() => resolve(redis?.exitCode === null), 300);
  });
  if (!started) {
    if (process.env.CI === "true")
      throw new Error(
        "CI=true but redis-server could not be started: the Redis tests (BullMQ queue, shared limits) are required in CI. Install Debian's redis-server (.ci/run does).",
      );
    process.stderr.write(
      "\n⚠️  redis-server is not installed: the Redis tests (BullMQ queue, shared spending limits) are SKIPPED.\n" +
        "   To run them: sudo apt-get install redis-server (or run .ci/run, which installs it), then npm test.\n\n",
    );
  }
  project.provide("redisUrl", started ? `redis://127.0.0.1:${port}` : "");
  return () => {
    redis?.kill();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
