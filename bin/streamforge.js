#!/usr/bin/env node
// Entry for `npx streamforge`: Node ≥ 22.18 runs the TypeScript sources directly (type stripping).
import '../src/cli/main.ts';
