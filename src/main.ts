import { run } from "probot";
import { createApp } from "./app.js";
import { AppOctokit } from "./github/octokit.js";
import { createLog, installWebhookGuard } from "./server/webhook-guard.js";

// Oversized webhook bodies are refused before they are read; payloads and bodies are never logged.
installWebhookGuard();

// With APP_ID and a private key this serves webhooks; without them, Probot's set-up page that
// registers a new GitHub App from app.yml.
await run(createApp(), { Octokit: AppOctokit, log: await createLog(process.env) });
