import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import nock from "nock";
import { validate } from "dockerfile-utils";
import { describe, expect, it } from "vitest";
import { TEST_PRIVATE_KEY } from "../helpers/probot.js";

const dockerfile = readFileSync(new URL("../../Dockerfile", import.meta.url), "utf8");

// CI has no Docker engine: the Dockerfile is linted, and the health route it probes is tested directly.
describe("Dockerfile", () => {
  it("has no lint problems", () => {
    expect(validate(dockerfile).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it("builds in stages, runs as a non-root user on production dependencies, with a health check", () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(dockerfile).toMatch(/^CMD \["node", "lib\/main.js"\]$/m);
  });

  it("runs on Node.js 22 LTS pinned by digest, under an init, with root-owned app files and no dev tooling", () => {
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(/^ARG NODE_IMAGE=node:22-bookworm-slim@sha256:[0-9a-f]{64}$/m.test(dockerfile)).toBe(true);
    expect(stages.every((stage) => stage.startsWith("${NODE_IMAGE}"))).toBe(true);
    const runtime = stages.at(-1)!;
    // An init as PID 1 forwards SIGTERM to node (which then finishes its running reviews).
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(runtime).toMatch(/apt-get install -y --no-install-recommends tini/);
    // Copied before USER and without --chown: root owns them, the node user only reads them.
    expect(runtime).not.toMatch(/--chown/);
    expect(runtime.indexOf("COPY --from=build /app/lib")).toBeLessThan(runtime.indexOf("USER node"));
    // The runtime stage gets node_modules from the production-only install, never the build stage's.
    expect(runtime).toMatch(/COPY --from=production-deps \/app\/node_modules/);
    expect(runtime).not.toMatch(/COPY --from=build \/app\/node_modules/);
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(Object.keys(pkg.dependencies).filter((d) => /^(tsx|esbuild|typescript|vitest)$/.test(d))).toEqual([]);
  });

  it("the compiled entry point it runs serves /healthz", async () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: root, stdio: "ignore" });
    const port = await freePort();
    const server = spawn("node", ["lib/main.js"], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: "production",
        APP_ID: "1",
        PRIVATE_KEY: TEST_PRIVATE_KEY,
        WEBHOOK_SECRET: "s",
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
      },
      stdio: "ignore",
    });
    nock.enableNetConnect("127.0.0.1");
    try {
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
    } finally {
      server.kill();
    }
  }, 60_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
