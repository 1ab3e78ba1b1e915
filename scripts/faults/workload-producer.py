# The fault campaign's writer: one librdkafka idempotent producer (confluent-kafka-python,
# enable.idempotence=True, acks=all) writing unique values `k<key>:<seq>` (seq counts per key)
# to a topic at a fixed rate, key i always to partition i % partitions. Values are
# `p<generation>-k<key>:<seq>`: a restarted writer takes a new generation.
#
#   workload-producer.py BOOTSTRAP TOPIC PARTITIONS KEYS RATE_PER_SECOND GENERATION [TAG]
#
# (TAG, ignored, names the campaign run on the command line.) The writer stops when its parent
# process is gone.
# stdout, one event a line (the campaign parses them as they come):
#   A <ms> <partition> <offset> <value>   delivery report without error: acknowledged (offset -1: the
#                                         client knows the record was written but not where)
#   X <ms> <value> <error name> <code>    delivery report with an error: not acknowledged (may or may not be written)
#   F <ms> <error name> <message>         a fatal producer error; the instance is replaced by a new one
#   S <json>                              summary, after SIGTERM and a final flush
# Each value is handed to produce() exactly once, so a value found twice in a log is a duplicate
# the broker wrote.
import json
import os
import signal
import sys
import time

from confluent_kafka import KafkaError, KafkaException, Producer

bootstrap, topic = sys.argv[1], sys.argv[2]
partitions, keys, rate = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
generation = int(sys.argv[6])
parent = os.getppid()

stopping = [False]
signal.signal(signal.SIGTERM, lambda *_: stopping.__setitem__(0, True))
signal.signal(signal.SIGINT, lambda *_: stopping.__setitem__(0, True))

out = sys.stdout
counts = {'sent': 0, 'acked': 0, 'failed': 0, 'fatal': 0, 'instances': 0}
fatal = [False]


def now_ms():
    return int(time.time() * 1000)


def on_delivery(err, msg):
    value = msg.value().decode()
    if err is None:
        counts['acked'] += 1
        offset = msg.offset()
        out.write('A %d %d %d %s\n' % (now_ms(), msg.partition(), -1 if offset is None else offset, value))
    else:
        counts['failed'] += 1
        out.write('X %d %s %s %d\n' % (now_ms(), value, err.name(), err.code()))


def on_error(err):
    if err.fatal():
        fatal[0] = True
        counts['fatal'] += 1
        out.write('F %d %s %s\n' % (now_ms(), err.name(), err.str().replace('\n', ' ')))


def serve(timeout, flush=False):
    # A fatal error can also surface as an exception from poll()/flush(): same handling as error_cb.
    try:
        return producer.flush(timeout) if flush else producer.poll(timeout)
    except KafkaException as e:
        err = e.args[0]
        if not err.fatal():
            raise
        if not fatal[0]:
            on_error(err)
        return len(producer)


def new_producer():
    counts['instances'] += 1
    return Producer({
        'bootstrap.servers': bootstrap,
        'enable.idempotence': True,
        'acks': 'all',
        'linger.ms': 5,
        'message.timeout.ms': 120000,
        'retry.backoff.ms': 100,
        'topic.metadata.refresh.interval.ms': 2000,
        'socket.keepalive.enable': True,
        # The idempotence state machine (producer ids, epochs, sequence errors) and each produce
        # request's outcome go to stderr, which the campaign keeps in producer.err.
        'debug': 'eos,msg',
        'error_cb': on_error,
    })


producer = new_producer()
seq = [0] * keys
next_key = 0
interval = 1.0 / rate
next_send = time.monotonic()
last_flush = time.monotonic()
while not stopping[0]:
    if fatal[0]:
        # A fatal error leaves the instance unusable (librdkafka's rules): its queued messages fail
        # with delivery reports, then a new instance (a new producer id) carries on.
        try:
            producer.flush(10)
        except KafkaException:
            pass
        fatal[0] = False
        producer = new_producer()
    now = time.monotonic()
    while next_send <= now and not fatal[0]:
        key = next_key
        value = 'p%d-k%03d:%09d' % (generation, key, seq[key])
        try:
            producer.produce(topic, key=('p%d-k%03d' % (generation, key)).encode(), value=value.encode(),
                             partition=key % partitions, on_delivery=on_delivery)
        except BufferError:
            break
        except KafkaException as e:
            if e.args[0].code() == KafkaError._FATAL:
                fatal[0] = True
                break
            raise
        seq[key] += 1
        counts['sent'] += 1
        next_key = (next_key + 1) % keys
        next_send += interval
    if next_send < now - 1.0:
        next_send = now  # behind (a full queue): do not burst to catch up
    serve(0.01)
    if now - last_flush >= 0.1:
        out.flush()
        last_flush = now
        if os.getppid() != parent:
            break

serve(60, flush=True)
remaining = len(producer)
out.write('S %s\n' % json.dumps(dict(counts, unflushed=remaining)))
out.flush()
