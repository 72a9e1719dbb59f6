// Starts a real Redis server on loopback for the queue tests (`.ci/run` installs Debian's
// redis-server) and stops it afterwards.
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
  redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const started = await new Promise<boolean>((resolve) => {
    redis?.once("error", () => resolve(false));
    setTimeout(() => resolve(redis?.exitCode === null), 300);
  });
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
