# The fault campaign's reader: one member of a consumer group (confluent-kafka-python), reading
# the topic from the beginning with automatic offset commits. At least once: a record's offset is
# stored for the next commit only after its line was written (enable.auto.offset.store=false,
# store_offsets after each batch).
#
#   workload-consumer.py BOOTSTRAP TOPIC GROUP [TAG]
#
# (TAG, ignored, names the campaign run on the command line.) The reader stops when its parent
# process is gone.
# stdout, one event a line:
#   R <ms> <partition> <offset> <value>   a record read
#   G <ms> assign|revoke <partitions>     a rebalance
#   C <ms> <p>:<offset>,...               the group's committed offsets of newly assigned partitions
#   K <ms> <error> <p>:<offset>,...       an offset commit and its result
#   E <ms> <error name> <message>         a consumer error (logged; the consumer keeps going)
#   S <json>                              summary, after SIGTERM and close()
import json
import os
import signal
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

bootstrap, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
parent = os.getppid()

stopping = [False]
signal.signal(signal.SIGTERM, lambda *_: stopping.__setitem__(0, True))
signal.signal(signal.SIGINT, lambda *_: stopping.__setitem__(0, True))

out = sys.stdout
counts = {'read': 0, 'errors': 0, 'rebalances': 0}


def now_ms():
    return int(time.time() * 1000)


def on_error(err):
    counts['errors'] += 1
    out.write('E %d %s %s\n' % (now_ms(), err.name(), err.str().replace('\n', ' ')))


def offsets(parts):
    return ','.join('%d:%d' % (p.partition, p.offset) for p in parts)


def rebalance(kind):
    def cb(c, parts):
        counts['rebalances'] += 1
        out.write('G %d %s %s\n' % (now_ms(), kind, ','.join(str(p.partition) for p in parts)))
        if kind == 'assign' and parts:
            try:
                out.write('C %d %s\n' % (now_ms(), offsets(c.committed(parts, timeout=10))))
            except KafkaException as e:
                out.write('C %d ? %s\n' % (now_ms(), str(e).replace('\n', ' ')))
        out.flush()
    return cb


def on_commit(err, parts):
    out.write('K %d %s %s\n' % (now_ms(), 'NONE' if err is None else err.name(), offsets(parts)))


consumer = Consumer({
    'bootstrap.servers': bootstrap,
    'group.id': group,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': True,
    'enable.auto.offset.store': False,
    'auto.commit.interval.ms': 1000,
    'on_commit': on_commit,
    'session.timeout.ms': 10000,
    'heartbeat.interval.ms': 1000,
    'fetch.wait.max.ms': 200,
    'topic.metadata.refresh.interval.ms': 2000,
    'enable.partition.eof': False,
    'error_cb': on_error,
})
consumer.subscribe([topic], on_assign=rebalance('assign'), on_revoke=rebalance('revoke'))
while not stopping[0]:
    last = {}
    for m in consumer.consume(num_messages=500, timeout=0.5):
        if m.error() is not None:
            if m.error().code() != KafkaError._PARTITION_EOF:
                on_error(m.error())
            continue
        counts['read'] += 1
        out.write('R %d %d %d %s\n' % (now_ms(), m.partition(), m.offset(), m.value().decode()))
        last[m.partition()] = m.offset()
    out.flush()
    if last:
        try:
            consumer.store_offsets(offsets=[TopicPartition(topic, p, o + 1) for p, o in last.items()])
        except KafkaException as e:
            # A partition revoked meanwhile: its records are read again by the next owner.
            out.write('E %d STORE %s\n' % (now_ms(), str(e).replace('\n', ' ')))
    if os.getppid() != parent:
        break
consumer.close()
out.write('S %s\n' % json.dumps(counts))
out.flush()
