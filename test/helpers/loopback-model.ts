import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { modelAnswer } from "./anthropic-mock.js";

/**
 * The Messages API on a loopback port, for the app run as a child process (an installed CLI, a
 * pre-commit hook, a server) where nock cannot reach: point ANTHROPIC_BASE_URL at `url`.
 */
export async function loopbackModel(
  input: unknown,
): Promise<{ url: string; requests: unknown[]; close: () => Promise<void> }> {
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)/);
  const requests: unknown[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      requests.push(JSON.parse(body));
      res
        .writeHead(req.url === "/v1/messages" ? 200 : 404, { "content-type": "application/json" })
        .end(JSON.stringify(modelAnswer(input)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
