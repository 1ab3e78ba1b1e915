import { expect } from 'chai';
import { alterUserScramCredentials, describeUserScramCredentials } from '../../../lib/server/admin/user-scram-credentials.js';
import type { AdminZkClient } from '../../../lib/server/admin/admin-zk-client.js';
import { CredentialCache } from '../../../lib/security/credential-cache.js';
import { ScramFormatter } from '../../../lib/security/scram/scram-formatter.js';
import { SCRAM_SHA_256, SCRAM_SHA_512 } from '../../../lib/security/scram/scram-mechanism.js';
import { ScramSaslClient } from '../../../lib/security/scram/scram-sasl-client.js';
import { ScramSaslServer } from '../../../lib/security/scram/scram-sasl-server.js';
import { Errors } from '../../../lib/protocol/errors.js';

/** `/config/users/*` and `/config/changes` kept in memory: just what the two admin operations use. */
function memoryAdmin(): { admin: AdminZkClient; users: Map<string, Record<string, string>>; changes: string[] } {
  const users = new Map<string, Record<string, string>>();
  const changes: string[] = [];
  const admin = {
    zkClient: { getAllEntitiesWithConfig: async () => [...users.keys()] },
    fetchEntityConfig: async (_type: string, name: string) => ({ ...(users.get(name) ?? {}) }),
    changeEntityConfig: async (type: string, name: string, config: Record<string, string>) => {
      users.set(name, { ...config });
      changes.push(`${type}/${name}`);
    },
  } as unknown as AdminZkClient;
  return { admin, users, changes };
}

function upsertion(name: string, mechanism = SCRAM_SHA_256, password = 'pw', iterations = 4096) {
  const salt = Buffer.from('salty-salt');
  return { name, mechanism: mechanism.type, iterations, salt, saltedPassword: new ScramFormatter(mechanism).saltedPassword(password, salt, iterations) };
}

describe('Describe/AlterUserScramCredentials (ZkAdminManager)', () => {
  it('stores Kafka\'s text form under the sanitized user with a change notification; the cache then authenticates the user', async () => {
    const { admin, users, changes } = memoryAdmin();
    users.set('al%40ice', { producer_byte_rate: '1024' });
    const r = await alterUserScramCredentials(admin, { deletions: [], upsertions: [upsertion('al@ice', SCRAM_SHA_512, 'secret', 8192)] });
    expect(r.results).to.deep.equal([{ user: 'al@ice', errorCode: 0, errorMessage: null }]);
    expect(changes).to.deep.equal(['users/al%40ice']);
    const stored = users.get('al%40ice')!;
    expect(stored.producer_byte_rate).to.equal('1024');
    expect(stored['SCRAM-SHA-512']).to.match(/^salt=c2FsdHktc2FsdA==,stored_key=.+,server_key=.+,iterations=8192$/);
    const cache = new CredentialCache(['SCRAM-SHA-512']);
    cache.updateFromUserEntity('al%40ice', stored);
    const server = new ScramSaslServer(SCRAM_SHA_512, (u) => cache.credential('SCRAM-SHA-512', u));
    const client = new ScramSaslClient(SCRAM_SHA_512, 'al@ice', 'secret');
    client.evaluateChallenge(server.evaluateResponse(client.evaluateChallenge(server.evaluateResponse(client.initialResponse()))!));
    expect(server.authorizationId()).to.equal('al@ice');
  });

  it('answers Kafka\'s errors per user and changes nothing for them', async () => {
    const { admin, users } = memoryAdmin();
    users.set('bob', { 'SCRAM-SHA-256': 'salt=YQ==,stored_key=YQ==,server_key=YQ==,iterations=4096' });
    const r = await alterUserScramCredentials(admin, {
      deletions: [{ name: 'carol', mechanism: SCRAM_SHA_256.type }, { name: 'dave', mechanism: 9 }],
      upsertions: [upsertion(''), upsertion('eve', SCRAM_SHA_256, 'x', 100), upsertion('frank', SCRAM_SHA_256, 'x', 20000),
        upsertion('gina'), upsertion('gina')],
    });
    const byUser = Object.fromEntries(r.results!.map((x) => [x.user, [x.errorCode, x.errorMessage]]));
    expect(byUser).to.deep.equal({
      '': [Errors.UNACCEPTABLE_CREDENTIAL.code, 'Username must not be empty'],
      dave: [Errors.UNSUPPORTED_SASL_MECHANISM.code, 'Unknown SCRAM mechanism'],
      eve: [Errors.UNACCEPTABLE_CREDENTIAL.code, 'Too few iterations'],
      frank: [Errors.UNACCEPTABLE_CREDENTIAL.code, 'Too many iterations'],
      gina: [Errors.DUPLICATE_RESOURCE.code, 'A user credential cannot be altered twice in the same request'],
      carol: [Errors.RESOURCE_NOT_FOUND.code, 'Attempt to delete a user credential that does not exist'],
    });
    expect([...users.keys()]).to.deep.equal(['bob']);
  });

  it('describes all users sorted, or the named ones with RESOURCE_NOT_FOUND and DUPLICATE_RESOURCE', async () => {
    const { admin } = memoryAdmin();
    await alterUserScramCredentials(admin, { deletions: [], upsertions: [upsertion('zed'), upsertion('amy', SCRAM_SHA_512, 'p', 5000), upsertion('amy', SCRAM_SHA_256)] });
    const all = await describeUserScramCredentials(admin, null);
    expect(all.results!.map((x) => [x.user, x.credentialInfos])).to.deep.equal([
      ['amy', [{ mechanism: 1, iterations: 4096 }, { mechanism: 2, iterations: 5000 }]],
      ['zed', [{ mechanism: 1, iterations: 4096 }]],
    ]);
    const named = await describeUserScramCredentials(admin, ['zed', 'nobody', 'amy', 'amy', '']);
    expect(named.results!.map((x) => [x.user, x.errorCode])).to.deep.equal([
      ['zed', 0], ['nobody', Errors.RESOURCE_NOT_FOUND.code], ['amy', Errors.DUPLICATE_RESOURCE.code], ['', Errors.RESOURCE_NOT_FOUND.code],
    ]);
    await alterUserScramCredentials(admin, { deletions: [{ name: 'zed', mechanism: 1 }], upsertions: [] });
    expect((await describeUserScramCredentials(admin, [])).results!.map((x) => x.user)).to.deep.equal(['amy']);
  });
});
