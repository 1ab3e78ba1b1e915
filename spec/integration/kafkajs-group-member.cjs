// A kafkajs 2.2.4 group member run as its own process, so that a spec can kill it with -9 (no
// LeaveGroup, no clean close). argv: brokers(comma-separated) groupId topic sessionTimeoutMs.
// Prints one JSON line per GROUP_JOIN ({memberId, assignment}) and per message ({partition, offset}).
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const [brokers, groupId, topic, sessionTimeout] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'child-member', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId, sessionTimeout: Number(sessionTimeout), heartbeatInterval: 300, maxWaitTimeInMs: 200 });
consumer.on(consumer.events.GROUP_JOIN, (e) => {
  process.stdout.write(JSON.stringify({ event: 'join', memberId: e.payload.memberId, assignment: e.payload.memberAssignment }) + '\n');
});
(async () => {
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      process.stdout.write(JSON.stringify({ event: 'message', partition, offset: message.offset }) + '\n');
    },
  });
})().catch((err) => {
  process.stderr.write(String(err && err.stack) + '\n');
  process.exit(1);
});
