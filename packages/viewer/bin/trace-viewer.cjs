#!/usr/bin/env node
// The `trace-viewer` command. The `bin` field names this committed file rather than the build
// output, because pnpm links bins at install time: in a fresh clone `dist/` does not exist yet and
// the link would fail with a warning.
require('../dist/cjs/cli.js');
