import { expect } from 'chai';
import { createAclsHandler } from '../../../lib/server/handlers/create-acls.js';
import { describeAclsHandler } from '../../../lib/server/handlers/describe-acls.js';
import { deleteAclsHandler } from '../../../lib/server/handlers/delete-acls.js';
import { Errors, InvalidRequestError, UnsupportedVersionError } from '../../../lib/protocol/errors.js';
import { ANY_BINDING_FILTER, Op, Permission } from '../../../lib/common/acl.js';
import { CLUSTER_NAME, PT, RT } from '../../../lib/common/resource.js';
import { InMemoryAuthorizer, callAs, principal, stubBroker } from './authorization-support.js';

const admin = principal('admin');
const creation = (resourceName: string, resourceType: number = RT.TOPIC, resourcePatternType: number = PT.LITERAL, operation: number = Op.READ) =>
  ({ resourceType, resourceName, resourcePatternType, principal: 'User:alice', host: '*', operation, permissionType: Permission.ALLOW });
const ANY_FILTER = { resourceTypeFilter: RT.ANY, resourceNameFilter: null, patternTypeFilter: PT.ANY, principalFilter: null, hostFilter: null, operation: Op.ANY, permissionType: Permission.ANY };

describe('CreateAcls / DescribeAcls / DeleteAcls handlers', () => {
  let authorizer: InMemoryAuthorizer;
  const broker = () => stubBroker([], authorizer);
  beforeEach(() => {
    authorizer = new InMemoryAuthorizer({ superUsers: [admin], allowEveryoneIfNoAclIsFound: false }, []);
  });

  it('answer SECURITY_DISABLED without an authorizer, as Kafka', async () => {
    const b = stubBroker([]);
    const c = await callAs(createAclsHandler, b, admin, 3, { creations: [creation('t'), creation('u')] });
    expect(c['results']).to.deep.equal([
      { errorCode: Errors.SECURITY_DISABLED.code, errorMessage: 'No Authorizer is configured.' },
      { errorCode: Errors.SECURITY_DISABLED.code, errorMessage: 'No Authorizer is configured.' },
    ]);
    const d = await callAs(describeAclsHandler, b, admin, 3, ANY_FILTER);
    expect([d['errorCode'], d['errorMessage'], d['resources']]).to.deep.equal([Errors.SECURITY_DISABLED.code, 'No Authorizer is configured on the broker', []]);
    const x = await callAs(deleteAclsHandler, b, admin, 3, { filters: [ANY_FILTER] });
    expect((x['filterResults'] as Array<{ errorCode: number }>).map((r) => r.errorCode)).to.deep.equal([Errors.SECURITY_DISABLED.code]);
  });

  it('CreateAcls creates valid bindings; a CLUSTER resource not named kafka-cluster or an empty name is INVALID_REQUEST', async () => {
    const r = await callAs(createAclsHandler, broker(), admin, 3, {
      creations: [creation('orders'), creation('other-cluster', RT.CLUSTER, PT.LITERAL, Op.ALTER), creation(''), creation(CLUSTER_NAME, RT.CLUSTER, PT.LITERAL, Op.ALTER), creation('pay', RT.TOPIC, PT.PREFIXED)],
    });
    expect((r['results'] as Array<{ errorCode: number; errorMessage: string | null }>)).to.deep.equal([
      { errorCode: 0, errorMessage: null },
      { errorCode: Errors.INVALID_REQUEST.code, errorMessage: 'The only valid name for the CLUSTER resource is kafka-cluster' },
      { errorCode: Errors.INVALID_REQUEST.code, errorMessage: 'Invalid empty resource name' },
      { errorCode: 0, errorMessage: null },
      { errorCode: 0, errorMessage: null },
    ]);
    expect(authorizer.acls(ANY_BINDING_FILTER).map((b) => b.pattern.name).sort()).to.deep.equal(['kafka-cluster', 'orders', 'pay']);
  });

  it('fail the request (the connection closes) for unknown elements or a v0 non-literal pattern, as Kafka\'s request parsing does', async () => {
    const b = broker();
    const expectThrow = async (p: Promise<unknown>, type: typeof InvalidRequestError | typeof UnsupportedVersionError): Promise<void> => {
      let err: unknown;
      try {
        await p;
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(type);
    };
    await expectThrow(callAs(createAclsHandler, b, admin, 3, { creations: [creation('t', 99)] }), InvalidRequestError);
    await expectThrow(callAs(createAclsHandler, b, admin, 3, { creations: [creation('t', RT.TOPIC, PT.LITERAL, 42)] }), InvalidRequestError);
    await expectThrow(callAs(createAclsHandler, b, admin, 0, { creations: [creation('t', RT.TOPIC, PT.PREFIXED)] }), UnsupportedVersionError);
    await expectThrow(callAs(describeAclsHandler, b, admin, 3, { ...ANY_FILTER, resourceTypeFilter: 0 }), InvalidRequestError);
    await expectThrow(callAs(describeAclsHandler, b, admin, 0, { ...ANY_FILTER, patternTypeFilter: PT.MATCH }), UnsupportedVersionError);
    await expectThrow(callAs(deleteAclsHandler, b, admin, 3, { filters: [{ ...ANY_FILTER, permissionType: 9 }] }), InvalidRequestError);
    expect(authorizer.acls(ANY_BINDING_FILTER)).to.deep.equal([]);
  });

  it('DescribeAcls groups the matching ACLs by pattern; v0 sees literal patterns only', async () => {
    await callAs(createAclsHandler, broker(), admin, 3, { creations: [creation('orders'), creation('orders', RT.TOPIC, PT.LITERAL, Op.WRITE), creation('pay', RT.TOPIC, PT.PREFIXED)] });
    const v3 = await callAs(describeAclsHandler, broker(), admin, 3, ANY_FILTER);
    const resources = v3['resources'] as Array<{ resourceName: string; patternType: number; acls: Array<{ operation: number }> }>;
    expect(resources.map((r) => [r.resourceName, r.patternType, r.acls.map((a) => a.operation).sort()])).to.have.deep.members([['orders', PT.LITERAL, [Op.READ, Op.WRITE]], ['pay', PT.PREFIXED, [Op.READ]]]);
    const v0 = await callAs(describeAclsHandler, broker(), admin, 0, ANY_FILTER);
    expect((v0['resources'] as Array<{ resourceName: string }>).map((r) => r.resourceName)).to.deep.equal(['orders']);
  });

  it('DeleteAcls answers the ACLs each filter deleted', async () => {
    await callAs(createAclsHandler, broker(), admin, 3, { creations: [creation('orders'), creation('pay', RT.TOPIC, PT.PREFIXED)] });
    const r = await callAs(deleteAclsHandler, broker(), admin, 3, { filters: [{ ...ANY_FILTER, resourceTypeFilter: RT.TOPIC, resourceNameFilter: 'pay', patternTypeFilter: PT.PREFIXED }, { ...ANY_FILTER, resourceNameFilter: 'none' }] });
    const results = r['filterResults'] as Array<{ errorCode: number; matchingAcls: Array<{ resourceName: string; patternType: number; principal: string }> }>;
    expect(results.map((f) => f.matchingAcls.map((m) => [m.resourceName, m.patternType, m.principal]))).to.deep.equal([[['pay', PT.PREFIXED, 'User:alice']], []]);
  });
});
