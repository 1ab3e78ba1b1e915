import { expect } from 'chai';
import { pino } from 'pino';
import { setRootLogger } from '../../../lib/utils/logger.js';
import { sharedZooKeeper, uniqueChroot } from '../../../lib/testing/zookeeper-runner.js';
import { KafkaZkClient } from '../../../lib/zk/kafka-zk-client.js';
import { MetadataCache } from '../../../lib/server/metadata-cache.js';
import { ZkAdminManager } from '../../../lib/server/zk-admin-manager.js';
import type { RequestContext } from '../../../lib/server/handlers/handler.js';
import { createTopicsHandler } from '../../../lib/server/handlers/create-topics.js';
import { deleteTopicsHandler } from '../../../lib/server/handlers/delete-topics.js';
import { createPartitionsHandler } from '../../../lib/server/handlers/create-partitions.js';
import { describeConfigsHandler } from '../../../lib/server/handlers/describe-configs.js';
import { alterConfigsHandler } from '../../../lib/server/handlers/alter-configs.js';
import { incrementalAlterConfigsHandler } from '../../../lib/server/handlers/incremental-alter-configs.js';
import { ApiKeys, decodeResponse, encodeResponseBuffer, ZERO_UUID } from '../../../lib/protocol/index.js';
import { Errors } from '../../../lib/protocol/errors.js';
import type { KafkaConfig } from '../../../lib/config/kafka-config.js';
import { brokerConfig, MetadataSimulator } from '../admin-helpers.js';

if (process.env.KAFKATS_LOG_LEVEL === undefined) setRootLogger(pino({ level: 'silent' }));


describe('admin handlers (real ZooKeeper, no broker process)', function () {
  this.timeout(20000);
  let zk: KafkaZkClient;
  let connect: string;
  let cache: MetadataCache;
  let sim: MetadataSimulator;
  let admin: ZkAdminManager;
  const controller = { isActive: true, context: { topicIds: new Map<string, string>(), isTopicQueuedUpForDeletion: (t: string) => t === 'queued' } };

  function ctx(apiVersion: number, config?: KafkaConfig): RequestContext {
    return {
      apiVersion,
      broker: { brokerId: 1, config: config ?? brokerConfig(connect, 1), metadataCache: cache, controller, adminManager: admin, zkClient: zk },
    } as unknown as RequestContext;
  }

  /** Encodes and decodes at the given version, as a client would see the response. */
  function wire<K extends keyof typeof roundTripKeys>(key: K, version: number, body: unknown): Record<string, unknown> {
    const apiKey = roundTripKeys[key];
    const frame = encodeResponseBuffer(apiKey, version, 7, body as never).subarray(4);
    return decodeResponse(apiKey, version, frame).body as unknown as Record<string, unknown>;
  }
  const roundTripKeys = {
    createTopics: ApiKeys.CREATE_TOPICS, deleteTopics: ApiKeys.DELETE_TOPICS, createPartitions: ApiKeys.CREATE_PARTITIONS,
    describeConfigs: ApiKeys.DESCRIBE_CONFIGS, alterConfigs: ApiKeys.ALTER_CONFIGS, incremental: ApiKeys.INCREMENTAL_ALTER_CONFIGS,
  } as const;

  before(async () => {
    const server = await sharedZooKeeper();
    connect = `${server.connectString}${uniqueChroot()}`;
    zk = await KafkaZkClient.create({ connectString: connect, sessionTimeoutMs: 6000 });
    await zk.createTopLevelPaths();
    await zk.registerBroker({ id: 1, endpoints: [{ listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: 'localhost', port: 9091 }] });
    cache = new MetadataCache(1);
    sim = new MetadataSimulator(cache, [{ id: 1 }]);
    sim.publishBrokers();
    admin = new ZkAdminManager({ brokerId: 1, config: brokerConfig(connect, 1), metadataCache: cache, zkClient: zk });
  });
  after(async () => {
    admin.shutdown();
    await zk.close();
  });
  afterEach(() => {
    controller.isActive = true;
  });

  it('answers Errors.NOT_CONTROLLER.code for CreateTopics, DeleteTopics and CreatePartitions on a non-controller broker', async () => {
    controller.isActive = false;
    const ct = await createTopicsHandler.handle(ctx(3), { topics: [{ name: 'x', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
    expect(wire('createTopics', 3, ct)).to.deep.include({ topics: [{ name: 'x', errorCode: Errors.NOT_CONTROLLER.code, errorMessage: null, topicId: ZERO_UUID, topicConfigErrorCode: 0, numPartitions: -1, replicationFactor: -1, configs: [] }] });
    const dt = await deleteTopicsHandler.handle(ctx(3), { topics: [], topicNames: ['x'], timeoutMs: 1000 });
    expect((wire('deleteTopics', 3, dt).responses as Array<{ errorCode: number }>)[0]?.errorCode).to.equal(Errors.NOT_CONTROLLER.code);
    const cp = await createPartitionsHandler.handle(ctx(1), { topics: [{ name: 'x', count: 2, assignments: null }], timeoutMs: 1000, validateOnly: false });
    expect((wire('createPartitions', 1, cp).results as Array<{ errorCode: number }>)[0]?.errorCode).to.equal(Errors.NOT_CONTROLLER.code);
    expect(await zk.topicExists('x')).to.equal(false);
  });

  it('CreateTopics v3 (kafkajs): creates, answers duplicates with Errors.INVALID_REQUEST.code, and waits for leaders', async () => {
    const topics = [
      { name: 'h1', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] },
      { name: 'dup', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      { name: 'dup', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
    ];
    const pending = createTopicsHandler.handle(ctx(3), { topics, timeoutMs: 5000, validateOnly: false });
    await new Promise((r) => setTimeout(r, 100));
    await sim.publishFromZk(zk, 'h1');
    const body = wire('createTopics', 3, await pending) as { topics: Array<{ name: string; errorCode: number }> };
    expect(body.topics.map((t) => [t.name, t.errorCode])).to.deep.equal([['h1', Errors.NONE.code], ['dup', Errors.INVALID_REQUEST.code], ['dup', Errors.INVALID_REQUEST.code]]);
    expect(await zk.topicExists('dup')).to.equal(false);
  });

  it('CreateTopics v7 carries the topic id and configs', async () => {
    const res = await createTopicsHandler.handle(ctx(7), { topics: [{ name: 'h7', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 0, validateOnly: true });
    const [t] = (wire('createTopics', 7, res) as { topics: Array<{ errorCode: number; numPartitions: number; configs: unknown[] }> }).topics;
    expect(t?.errorCode).to.equal(Errors.NONE.code);
    expect(t?.numPartitions).to.equal(1);
    expect(t?.configs.length).to.be.greaterThan(20);
  });

  it('DeleteTopics: disabled deletion by version, unknown topics, v6 by id, both name and id', async () => {
    const off = brokerConfig(connect, 1, { 'delete.topic.enable': false });
    const v2 = await deleteTopicsHandler.handle(ctx(2, off), { topics: [], topicNames: ['h1'], timeoutMs: 0 });
    expect((wire('deleteTopics', 2, v2).responses as Array<{ errorCode: number }>)[0]?.errorCode).to.equal(Errors.INVALID_REQUEST.code);
    const v3 = await deleteTopicsHandler.handle(ctx(3, off), { topics: [], topicNames: ['h1'], timeoutMs: 0 });
    expect((wire('deleteTopics', 3, v3).responses as Array<{ errorCode: number }>)[0]?.errorCode).to.equal(Errors.TOPIC_DELETION_DISABLED.code);

    const [h1] = await zk.getReplicaAssignmentAndTopicIdForTopics(['h1']);
    controller.context.topicIds.set('h1', h1?.topicId ?? '');
    const v6 = await deleteTopicsHandler.handle(ctx(6), {
      topics: [{ name: null, topicId: h1?.topicId ?? '' }, { name: null, topicId: 'q2bq1bKAQYiu9bVKnC3ukQ' }, { name: 'ghost', topicId: ZERO_UUID }],
      topicNames: [], timeoutMs: 0,
    });
    const responses = wire('deleteTopics', 6, v6).responses as Array<{ name: string | null; errorCode: number }>;
    expect(responses.map((r) => [r.name, r.errorCode])).to.deep.equal([
      ['h1', Errors.REQUEST_TIMED_OUT.code], [null, Errors.UNKNOWN_TOPIC_ID.code], ['ghost', 3],
    ]);
    expect(await zk.isTopicMarkedForDeletion('h1')).to.equal(true);
    const both = await deleteTopicsHandler.handle(ctx(6), { topics: [{ name: 'h1', topicId: h1?.topicId ?? '' }], topicNames: [], timeoutMs: 0 });
    expect((wire('deleteTopics', 6, both).responses as Array<{ errorCode: number }>)[0]?.errorCode).to.equal(Errors.INVALID_REQUEST.code);
  });

  it('CreatePartitions v1 (kafkajs): duplicates and topics queued for deletion are refused', async () => {
    await zk.createTopicAssignment('cp', null, new Map([[0, [1]]]));
    const res = await createPartitionsHandler.handle(ctx(1), {
      topics: [{ name: 'cp', count: 2, assignments: null }, { name: 'twice', count: 2, assignments: null }, { name: 'twice', count: 3, assignments: null },
        { name: 'queued', count: 2, assignments: null }],
      timeoutMs: 0, validateOnly: false,
    });
    const results = (wire('createPartitions', 1, res).results as Array<{ name: string; errorCode: number }>).map((r) => [r.name, r.errorCode]);
    expect(results).to.deep.equal([['cp', Errors.REQUEST_TIMED_OUT.code], ['twice', Errors.INVALID_REQUEST.code], ['queued', Errors.INVALID_TOPIC_EXCEPTION.code]]);
    expect(await zk.getTopicPartitionCount('cp')).to.equal(2);
  });

  it('DescribeConfigs v2, AlterConfigs v1 and IncrementalAlterConfigs v1 round-trip on the wire', async () => {
    sim.publish('cfg', ZERO_UUID, new Map([[0, [1]]]));
    await zk.createTopicAssignment('cfg', null, new Map([[0, [1]]]));
    const alter = await alterConfigsHandler.handle(ctx(1), { resources: [{ resourceType: 2, resourceName: 'cfg', configs: [{ name: 'retention.ms', value: '123' }] }], validateOnly: false });
    expect(wire('alterConfigs', 1, alter).responses).to.deep.equal([{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'cfg' }]);
    const incr = await incrementalAlterConfigsHandler.handle(ctx(1), {
      resources: [{ resourceType: 2, resourceName: 'cfg', configs: [{ name: 'segment.ms', configOperation: 0, value: '60000' }] }], validateOnly: false,
    });
    expect((wire('incremental', 1, incr).responses as Array<{ errorCode: number }>)[0]?.errorCode).to.equal(Errors.NONE.code);
    const described = await describeConfigsHandler.handle(ctx(2), {
      resources: [{ resourceType: 2, resourceName: 'cfg', configurationKeys: ['retention.ms', 'segment.ms'] }], includeSynonyms: true, includeDocumentation: false,
    });
    const [r] = wire('describeConfigs', 2, described).results as Array<{ configs: Array<{ name: string; value: string; configSource: number; synonyms: unknown[] }> }>;
    expect(r?.configs.map((c) => [c.name, c.value, c.configSource])).to.deep.equal([['segment.ms', '60000', 1], ['retention.ms', '123', 1]]);
    const v0 = await describeConfigsHandler.handle(ctx(0), {
      resources: [{ resourceType: 2, resourceName: 'cfg', configurationKeys: ['retention.ms'] }], includeSynonyms: true, includeDocumentation: false,
    });
    const [r0] = wire('describeConfigs', 0, v0).results as Array<{ configs: Array<{ isDefault: boolean; synonyms: unknown[] }> }>;
    expect(r0?.configs[0]?.isDefault).to.equal(false);
  });
});
