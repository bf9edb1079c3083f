import assert from 'node:assert/strict';
import { it } from 'node:test';

it('the tests run on Node 24 LTS (the npm devDependency), not the machine Node', () => {
  const major = Number(process.versions.node.split('.')[0]);
  assert.equal(major, 24, `running on ${process.version} at ${process.execPath}`);
  assert.match(process.execPath, /node_modules/);
});
