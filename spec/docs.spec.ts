import { expect } from 'chai';
import fs from 'node:fs';
import { CONFIG_DOC, configurationDoc } from '../scripts/generate-docs.js';

describe('generated documentation', () => {
  it('docs/configuration.md matches the config table (run `npm run generate-docs` after changing lib/config)', () => {
    expect(fs.readFileSync(CONFIG_DOC, 'utf8')).to.equal(configurationDoc());
  });
});
