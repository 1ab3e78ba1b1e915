# The fault campaign's reader: one member of a consumer group (confluent-kafka-python), reading
# the topic from the beginning with automatic offset commits (at least once: an offset is stored
# only for a message consume() returned).
#
#   workload-consumer.py BOOTSTRAP TOPIC GROUP [TAG]
#
# (TAG, ignored, names the campaign run on the command line.) The reader stops when its parent
# process is gone.
# stdout, one event a line:
#   R <ms> <partition> <offset> <value>   a record read
#   G <ms> assign|revoke <partitions>     a rebalance
#   E <ms> <error name> <message>         a consumer error (logged; the consumer keeps going)
#   S <json>                              summary, after SIGTERM and close()
import json
import os
import signal
import sys
import time

from confluent_kafka import Consumer, KafkaError

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


def rebalance(kind):
    def cb(_consumer, parts):
        counts['rebalances'] += 1
        out.write('G %d %s %s\n' % (now_ms(), kind, ','.join(str(p.partition) for p in parts)))
    return cb


consumer = Consumer({
    'bootstrap.servers': bootstrap,
    'group.id': group,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': True,
    'auto.commit.interval.ms': 1000,
    'session.timeout.ms': 10000,
    'heartbeat.interval.ms': 1000,
    'fetch.wait.max.ms': 200,
    'topic.metadata.refresh.interval.ms': 2000,
    'enable.partition.eof': False,
    'error_cb': on_error,
})
consumer.subscribe([topic], on_assign=rebalance('assign'), on_revoke=rebalance('revoke'))
while not stopping[0]:
    for m in consumer.consume(num_messages=500, timeout=0.5):
        if m.error() is not None:
            if m.error().code() != KafkaError._PARTITION_EOF:
                on_error(m.error())
            continue
        counts['read'] += 1
        out.write('R %d %d %d %s\n' % (now_ms(), m.partition(), m.offset(), m.value().decode()))
    out.flush()
    if os.getppid() != parent:
        break
consumer.close()
out.write('S %s\n' % json.dumps(counts))
out.flush()
