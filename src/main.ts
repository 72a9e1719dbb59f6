import { run } from "probot";
import { createApp, defaultQueue } from "./app.js";
import { AppOctokit } from "./github/octokit.js";
import { DEFAULT_SHUTDOWN_GRACE_MS, onStopSignals, shutdown } from "./server/shutdown.js";
import { createLog, installWebhookGuard } from "./server/webhook-guard.js";

// Oversized webhook bodies are refused before they are read; payloads and bodies are never logged.
installWebhookGuard();

const log = await createLog(process.env);
const queue = defaultQueue(process.env);
// With APP_ID and a private key this serves webhooks; without them, Probot's set-up page that
// registers a new GitHub App from app.yml.
const server = await run(createApp({ queue }), { Octokit: AppOctokit, log });

// SIGTERM (docker stop, Kubernetes) and SIGINT (Ctrl-C): stop taking webhooks, let running reviews
// post within the grace period, exit 0.
const graceMs = Number(process.env.DJANGO_REVIEW_SHUTDOWN_GRACE_MS) || DEFAULT_SHUTDOWN_GRACE_MS;
onStopSignals((signal) => shutdown({ stopServer: () => server.stop(), queue, log, graceMs }, signal));
