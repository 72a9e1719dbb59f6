// nock must be active before any SDK client captures `fetch`, and no test may reach the network.
// Strict, as renovate's tests are: a test fails on a request no mock answered and on a mock it never
// used (optional ones aside), so a mock cannot hide a capability that stopped calling out.
import nock from "nock";
import { afterEach, beforeEach } from "vitest";

nock.disableNetConnect();

const unmatched: string[] = [];
nock.emitter.on(
  "no match",
  (req: {
    method?: string;
    path?: string;
    hostname?: string;
    host?: string;
    options?: { hostname?: string; host?: string; path?: string };
  }) => {
    const host = req.hostname ?? req.host ?? req.options?.hostname ?? req.options?.host ?? "";
    // Loopback servers a test starts itself (a real HTTP server, the fake model for a child process) are not mocks.
    if (/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host)) return;
    unmatched.push(`${req.method ?? "?"} ${host}${req.path ?? req.options?.path ?? ""}`);
  },
);

beforeEach(() => {
  nock.disableNetConnect();
  unmatched.length = 0;
});

afterEach(({ task }) => {
  const pending = nock.pendingMocks();
  const stray = unmatched.splice(0);
  nock.cleanAll();
  // A failing test already says what went wrong; these would only bury it.
  if (task.result?.state === "fail") return;
  if (stray.length > 0) throw new Error(`requests that no mock answered:\n  ${stray.join("\n  ")}`);
  if (pending.length > 0) throw new Error(`mocks the test set up but never used:\n  ${pending.join("\n  ")}`);
});
