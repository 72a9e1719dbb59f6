import { run } from "probot";
import { createApp, defaultQueue } from "./app.js";
import { appOctokit } from "./github/octokit.js";
import { type OperatorEnv, parseOperatorEnv } from "./config/env.js";
import { onStopSignals, shutdown } from "./server/shutdown.js";
import { createLog, installWebhookGuard } from "./server/webhook-guard.js";

// Oversized webhook bodies are refused before they are read; payloads and bodies are never logged.
installWebhookGuard();

const log = await createLog(process.env);
let settings: OperatorEnv;
try {
  settings = parseOperatorEnv(process.env);
} catch (error) {
  // A bad value stops start-up, said once and plainly (the variable, its value, what it must be).
  log.fatal(`django-review: ${(error as Error).message}`);
  process.exit(78); // EX_CONFIG
}
const queue = defaultQueue(settings);
// With APP_ID and a private key this serves webhooks; without them, Probot's set-up page that
// registers a new GitHub App from app.yml.
const server = await run(createApp({ settings, queue }), {
  Octokit: appOctokit(settings.DJANGO_REVIEW_GITHUB_TIMEOUT_MS),
  log,
});

// SIGTERM (docker stop, Kubernetes) and SIGINT (Ctrl-C): stop taking webhooks, let running reviews
// post within the grace period, exit 0.
onStopSignals((signal) =>
  shutdown({ stopServer: () => server.stop(), queue, log, graceMs: settings.DJANGO_REVIEW_SHUTDOWN_GRACE_MS }, signal),
);
