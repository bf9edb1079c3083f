#!/usr/bin/env node
// Entry for `npx streamforge`: Node ≥ 22.18 runs the TypeScript sources directly (type stripping).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `streamforge needs Node.js 22.18 or newer (24 LTS recommended); this is ${process.version}.\n` +
      'Run it through npm (npx streamforge, npm start) so the project-local Node 24 is used.',
  );
  process.exit(1);
}
await import('../src/cli/main.ts');
