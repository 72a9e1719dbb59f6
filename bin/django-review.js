#!/usr/bin/env node
// The installed command runs the compiled CLI (lib/, built by `prepare` and shipped by `npm pack`).
import "../lib/cli.js";
