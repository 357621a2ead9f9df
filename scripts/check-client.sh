#!/usr/bin/env bash
# Proves the committed openapi.json makes a usable typed client (`npm run client:check`, part of `npm test`):
# generates TypeScript types from it with openapi-typescript into test/client/generated/ (git-ignored) and
# type-checks test/client/flow.ts, a front-end flow written with openapi-fetch, with tsc. A change to the
# document that breaks what a front end relies on (a renamed field, a lost enum, a missing error field,
# an operation gone) fails here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p test/client/generated
node node_modules/openapi-typescript/bin/cli.js openapi.json --output test/client/generated/dompet-api.ts --silent
node node_modules/typescript/bin/tsc -p test/client/tsconfig.json
echo "client check: openapi.json -> test/client/generated/dompet-api.ts, test/client/flow.ts type-checks"
