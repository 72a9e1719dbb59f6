import type { IncomingMessage, ServerResponse } from "node:http";
import { getTransformStream } from "@probot/pino";
import pino, { type Logger } from "pino";
import { Probot } from "probot";

/** GitHub caps webhook payloads at 25 MB: anything larger is not GitHub, and is refused unread. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

type Middleware = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

/**
 * Refuses a webhook POST before its body is buffered when it says it is over the limit, or does not
 * say its length (GitHub always sends `Content-Length`). Then hands over to Probot's middleware.
 */
export function guardWebhookRequests(inner: Middleware): Middleware {
  return (req, res) => {
    if (req.method === "POST") {
      const length = Number(req.headers["content-length"]);
      if (!Number.isFinite(length) || req.headers["content-length"] === undefined) {
        res.writeHead(411, { connection: "close", "content-type": "text/plain" }).end("Content-Length required\n");
        return true;
      }
      if (length > MAX_WEBHOOK_BYTES) {
        res
          .writeHead(413, { connection: "close", "content-type": "text/plain" })
          .end(`payload over ${MAX_WEBHOOK_BYTES} bytes refused\n`);
        req.destroy();
        return true;
      }
    }
    return inner(req, res);
  };
}

let installed = false;

/**
 * Puts the guard in front of Probot's webhook middleware however the server is started (`run`, or
 * `createNodeMiddleware` in tests): Probot has no option for it, so its method is wrapped, once.
 */
export function installWebhookGuard(): void {
  if (installed) return;
  installed = true;
  const original = Probot.prototype.getNodeMiddleware;
  Probot.prototype.getNodeMiddleware = async function guarded(this: Probot, ...args: Parameters<typeof original>) {
    return guardWebhookRequests((await original.apply(this, args)) as Middleware) as Awaited<
      ReturnType<typeof original>
    >;
  };
}

/** Keys that may hold a webhook payload or a request body: never written (a 30 MB body, secrets). */
const NEVER_LOGGED = new Set(["payload", "body", "rawBody"]);

/**
 * An error as pino writes it, with every payload or body anywhere inside replaced (webhooks errors
 * carry the whole delivery, nested in aggregate errors). An explicit stack, no recursion.
 */
export function withoutPayloads(value: unknown): unknown {
  const root = { value: pino.stdSerializers.err(value as Error) as unknown };
  const stack: Array<Record<string, unknown>> = [root];
  let visited = 0;
  while (stack.length > 0 && visited++ < 10_000) {
    const node = stack.pop() as Record<string, unknown>;
    for (const [key, child] of Object.entries(node)) {
      if (NEVER_LOGGED.has(key) && child !== undefined && node !== root) node[key] = "[not logged]";
      else if (child !== null && typeof child === "object") stack.push(child as Record<string, unknown>);
    }
  }
  return root.value;
}

/** Probot's logger (same formats and env: LOG_LEVEL, LOG_FORMAT, ...), with payloads and bodies redacted. */
export async function createLog(
  env: NodeJS.ProcessEnv,
  destination: NodeJS.WritableStream = pino.destination(1) as unknown as NodeJS.WritableStream,
): Promise<Logger> {
  // As Probot reads it: LOG_FORMAT when set (anything but "pretty" is JSON), else JSON in production.
  const format = env.LOG_FORMAT
    ? env.LOG_FORMAT === "pretty"
      ? "pretty"
      : "json"
    : env.NODE_ENV === "production"
      ? "json"
      : "pretty";
  const transform = await getTransformStream({
    logFormat: format,
    logLevelInString: env.LOG_LEVEL_IN_STRING === "true",
    ...(env.SENTRY_DSN ? { sentryDsn: env.SENTRY_DSN } : {}),
  });
  transform.pipe(destination);
  return pino(
    {
      level: env.LOG_LEVEL || "info",
      name: "probot",
      messageKey: env.LOG_MESSAGE_KEY || "msg",
      serializers: { err: withoutPayloads },
    },
    transform,
  );
}
