"""confluent-kafka-python feature checks for the compat suite (spec/compat/python.spec.ts).

Usage: /usr/bin/python3 checks.py <check> <bootstrap> <prefix> [extra...]
Each check exercises the client and prints one JSON document with what it wrote and what it read
back; the TypeScript side asserts on it. Errors propagate (non-zero exit, traceback on stderr).
"""
import json
import struct
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

CHECK, BOOTSTRAP, PREFIX = sys.argv[1], sys.argv[2], sys.argv[3]
BASE = {"bootstrap.servers": BOOTSTRAP}


def wait_all(futures, timeout=30):
    return {k: f.result(timeout=timeout) for k, f in futures.items()}


def topic_view(admin, name):
    md = admin.list_topics(topic=name, timeout=10)
    t = md.topics.get(name)
    if t is None or t.error is not None:
        return None
    return {str(p.id): {"leader": p.leader, "replicas": sorted(p.replicas), "isrs": sorted(p.isrs)} for p in t.partitions.values()}


def eventually(fn, timeout=30, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    raise RuntimeError("timed out waiting for " + what)


def read_all(topic, partitions, count, group=None, isolation="read_uncommitted", timeout=30):
    """Reads up to `count` records from the beginning of the given partitions with assign()."""
    c = Consumer({**BASE, "group.id": group or PREFIX + "-reader", "enable.auto.commit": False, "isolation.level": isolation})
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    out = []
    deadline = time.time() + timeout
    while len(out) < count and time.time() < deadline:
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            raise KafkaException(m.error())
        out.append(record(m))
    c.close()
    return out


def record(m):
    headers = m.headers() or []
    return {
        "partition": m.partition(),
        "offset": m.offset(),
        "key": None if m.key() is None else m.key().decode(),
        "value": None if m.value() is None else m.value().decode(),
        "headers": [[k, None if v is None else v.decode()] for k, v in headers],
    }


def produce(topic, records, conf=None):
    """Produces (partition, key, value, headers) tuples; returns the delivery reports."""
    p = Producer({**BASE, "acks": "all", "linger.ms": 5, **(conf or {})})
    delivered = []

    def on_delivery(err, m):
        if err is not None:
            raise KafkaException(err)
        delivered.append(record(m))

    for part, key, value, headers in records:
        p.produce(topic, key=key, value=value, partition=part, headers=headers, on_delivery=on_delivery)
        p.poll(0)
    remaining = p.flush(30)
    if remaining:
        raise RuntimeError(f"{remaining} records not delivered")
    return delivered


def check_admin():
    admin = AdminClient(BASE)
    a, b = PREFIX + "-a", PREFIX + "-b"
    wait_all(admin.create_topics([NewTopic(a, 3, 3, config={"retention.ms": "7200000"}), NewTopic(b, 1, 2)], operation_timeout=20))
    created = {t: eventually(lambda t=t: topic_view(admin, t), what="metadata of " + t) for t in (a, b)}
    wait_all(admin.create_partitions([NewPartitions(a, 5)], operation_timeout=20))
    grown = eventually(lambda: (lambda v: v if v and len(v) == 5 and all(p["leader"] >= 0 for p in v.values()) else None)(topic_view(admin, a)), what="5 partitions")
    res = ConfigResource(ConfigResource.Type.TOPIC, a)
    before = wait_all(admin.describe_configs([res]))[res]["retention.ms"].value
    wait_all(admin.alter_configs([ConfigResource(ConfigResource.Type.TOPIC, a, set_config={"retention.ms": "3600000"})]))
    after = eventually(lambda: (lambda v: v if v == "3600000" else None)(wait_all(admin.describe_configs([res]))[res]["retention.ms"].value), what="altered config")
    wait_all(admin.delete_topics([b], operation_timeout=20))
    eventually(lambda: b not in admin.list_topics(timeout=10).topics, what="topic deleted")
    groups_api = hasattr(admin, "list_groups")
    print(json.dumps({
        "created": created,
        "grown": grown,
        "retention_before": before,
        "retention_after": after,
        "topics_after_delete": sorted(t for t in admin.list_topics(timeout=10).topics if t.startswith(PREFIX)),
        "groups_api": groups_api,
    }))


def check_produce():
    topic = PREFIX
    records = [(i % 3, f"k{i}", f"v{i}-" + "z" * (i % 29), [("n", str(i)), ("dup", "a"), ("dup", "b")]) for i in range(600)]
    delivered = produce(topic, records, {"compression.type": "lz4"})
    read = read_all(topic, [0, 1, 2], len(records))
    print(json.dumps({"sent": [[p, k, v] for p, k, v, _ in records], "delivered": delivered, "read": read}))


def check_group():
    topic, group = PREFIX, PREFIX + "-g"
    assignments = {"a": None, "b": None}
    consumers = {}

    def make(name):
        def on_assign(c, parts):
            assignments[name] = sorted(tp.partition for tp in parts)

        def on_revoke(c, parts):
            assignments[name] = []

        c = Consumer({**BASE, "group.id": group, "auto.offset.reset": "earliest", "session.timeout.ms": 10000,
                      "heartbeat.interval.ms": 500, "partition.assignment.strategy": "range"})
        c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
        consumers[name] = c

    got = {"a": [], "b": []}

    def poll_all():
        for name, c in consumers.items():
            for m in c.consume(num_messages=500, timeout=0.05):
                if not m.error():
                    got[name].append(record(m))

    make("a")
    make("b")

    def split_ok():
        poll_all()
        a, b = assignments["a"], assignments["b"]
        return bool(a) and bool(b) and sorted(a + b) == [0, 1, 2, 3]

    eventually(split_ok, timeout=60, what="two members sharing 4 partitions")
    split = dict(assignments)
    records = [(i % 4, None, f"g{i}", None) for i in range(200)]
    produce(topic, records)

    def all_read():
        poll_all()
        return len(got["a"]) + len(got["b"]) >= len(records)

    eventually(all_read, timeout=30, what="200 records consumed")
    for c in consumers.values():
        c.close()
    print(json.dumps({"split": split, "got": got, "sent": [[p, v] for p, _, v, _ in records]}))


def check_commit():
    topic, group = PREFIX, PREFIX + "-g"
    produce(topic, [(0, None, f"c{i}", None) for i in range(20)])
    c = Consumer({**BASE, "group.id": group, "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([topic])
    first = []
    last = None
    while len(first) < 10:
        m = c.poll(0.2)
        if m is None or m.error():
            continue
        first.append(record(m))
        last = m
    c.commit(message=last, asynchronous=False)
    committed = [tp.offset for tp in c.committed([TopicPartition(topic, 0)], timeout=10)]
    c.close()
    # A new member of the group resumes at the committed offset.
    c2 = Consumer({**BASE, "group.id": group, "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c2.subscribe([topic])
    resumed = eventually(lambda: (lambda m: record(m) if m is not None and not m.error() else None)(c2.poll(0.2)), what="resumed record")
    c2.close()
    print(json.dumps({"first": first, "committed": committed, "resumed": resumed}))


def check_transactions():
    topic, source, group = PREFIX, PREFIX + "-in", PREFIX + "-g"
    produce(source, [(0, None, f"in{i}", None) for i in range(5)])
    c = Consumer({**BASE, "group.id": group, "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([source])
    consumed = []
    while len(consumed) < 5:
        m = c.poll(0.2)
        if m is not None and not m.error():
            consumed.append(m)
    p = Producer({**BASE, "transactional.id": PREFIX + "-txn", "transaction.timeout.ms": 30000})
    p.init_transactions(15)
    p.begin_transaction()
    for m in consumed:
        p.produce(topic, value=m.value().decode().replace("in", "out").encode(), partition=0)
    p.send_offsets_to_transaction(c.position(c.assignment()), c.consumer_group_metadata(), 15)
    p.commit_transaction(15)
    p.begin_transaction()
    p.produce(topic, value=b"aborted", partition=0)
    p.flush(10)
    p.abort_transaction(15)
    committed = [tp.offset for tp in c.committed([TopicPartition(source, 0)], timeout=10)]
    c.close()
    # One more than committed, for a few seconds: an aborted record that leaked would show up.
    read = read_all(topic, [0], 6, isolation="read_committed", timeout=4)
    print(json.dumps({"read": read, "committed": committed}))


def wire(m):
    return [m.partition(), m.offset(), None if m.key() is None else m.key().decode(), None if m.value() is None else m.value().decode()]


def keyed(prefix, n):
    return [[-1, -1, "%s-k%d" % (prefix, i % 97), "%s-v%d-%s" % (prefix, i, "x" * (i % 53))] for i in range(n)]


def produce_wire(records, conf=None):
    """Sends [partition, offset, key, value] records (partition -1: the default partitioner) with
    acks=all; returns them in send order at the partition and offset of their delivery report."""
    p = Producer({**BASE, "acks": "all", "linger.ms": 5, **(conf or {})})
    out = [list(r) for r in records]

    def report(i):
        def on_delivery(err, m):
            if err is not None:
                raise KafkaException(err)
            out[i][0], out[i][1] = m.partition(), m.offset()
        return on_delivery

    for i, r in enumerate(records):
        kw = {} if r[0] < 0 else {"partition": r[0]}
        while True:
            try:
                p.produce(PREFIX, key=r[2], value=r[3], on_delivery=report(i), **kw)
                break
            except BufferError:
                p.poll(0.1)
        p.poll(0)
    if p.flush(60):
        raise RuntimeError("records not delivered")
    return out


def read_wire(topic):
    """Every record of the topic, each partition from its low to its high watermark (assign)."""
    c = Consumer({**BASE, "group.id": PREFIX + "-reader", "enable.auto.commit": False})
    parts = sorted(c.list_topics(topic, timeout=10).topics[topic].partitions)
    ends = {}
    for p in parts:
        low, high = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
        if high > low:
            ends[p] = high
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in ends])
    out = []
    deadline = time.time() + 30
    while ends:
        if time.time() > deadline:
            raise RuntimeError("reading %s: left %s" % (topic, ends))
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            raise KafkaException(m.error())
        out.append(wire(m))
        if m.offset() + 1 >= ends.get(m.partition(), 0):
            ends.pop(m.partition(), None)
    c.close()
    return out


def check_metadata():
    md = AdminClient({"bootstrap.servers": BOOTSTRAP.split(",")[0]}).list_topics(PREFIX, timeout=10)
    t = md.topics[PREFIX]
    print(json.dumps({
        "brokers": sorted("%d:%s:%d" % (b.id, b.host, b.port) for b in md.brokers.values()),
        "controller": md.controller_id,
        "from": md.orig_broker_id,
        "partitions": [{"partition": p.id, "leader": p.leader, "replicas": p.replicas, "isr": p.isrs} for p in t.partitions.values()],
    }))


def check_produce_read():
    n, codec = int(sys.argv[4]), sys.argv[5]
    sent = produce_wire(keyed(PREFIX, n), {"compression.type": codec})
    print(json.dumps({"sent": sent, "read": read_wire(PREFIX)}))


def check_idempotent():
    records = keyed(PREFIX, 1000)
    for i, r in enumerate(records):
        r[0] = i % 2
    sent = produce_wire(records, {"enable.idempotence": True})
    print(json.dumps({"sent": sent, "read": read_wire(PREFIX)}))


def group_phase(group, phase):
    """Three auto-committing members share the topic's 6 partitions, read 600 records once, close."""
    members = []
    for _ in range(3):
        m = {"assigned": [], "read": []}
        c = Consumer({**BASE, "group.id": group, "auto.offset.reset": "earliest", "auto.commit.interval.ms": 200,
                      "session.timeout.ms": 10000, "heartbeat.interval.ms": 500, "partition.assignment.strategy": "range"})

        def on_assign(c, parts, m=m):
            m["assigned"] = sorted(tp.partition for tp in parts)

        def on_revoke(c, parts, m=m):
            m["assigned"] = []

        c.subscribe([PREFIX], on_assign=on_assign, on_revoke=on_revoke)
        m["consumer"] = c
        members.append(m)

    def poll_all():
        for m in members:
            for msg in m["consumer"].consume(num_messages=500, timeout=0.05):
                if not msg.error():
                    m["read"].append(wire(msg))

    def split_ok():
        poll_all()
        owned = sorted(p for m in members for p in m["assigned"])
        return owned == list(range(6)) and all(m["assigned"] for m in members)

    eventually(split_ok, timeout=60, what="3 members sharing 6 partitions")
    split = [{"generation": 0, "partitions": list(m["assigned"])} for m in members]
    records = keyed("%s-%d" % (PREFIX, phase), 600)
    for i, r in enumerate(records):
        r[0] = i % 6
    sent = produce_wire(records)

    def all_read():
        poll_all()
        return sum(len(m["read"]) for m in members) >= len(records)

    eventually(all_read, what="600 records read")
    end = time.time() + 0.5
    while time.time() < end:  # a duplicate delivery would show up here
        poll_all()
    for m in members:
        m["consumer"].close()  # commits the consumed offsets (auto commit)
    return {"split": split, "sent": sent, "read": [m["read"] for m in members]}


def check_group_restart():
    group = PREFIX + "-g"
    first = group_phase(group, 1)
    c = Consumer({**BASE, "group.id": group})
    committed = {str(tp.partition): tp.offset for tp in c.committed([TopicPartition(PREFIX, p) for p in range(6)], timeout=10)}
    c.close()
    second = group_phase(group, 2)
    print(json.dumps({"first": first, "committed": committed, "second": second}))


def assignment_partitions(data, topic):
    """The partitions of `topic` in a ConsumerProtocol assignment (version, [topic, [partition]], user data)."""
    pos, out = 2, []
    (n,) = struct.unpack_from(">i", data, pos)
    pos += 4
    for _ in range(n):
        (ln,) = struct.unpack_from(">h", data, pos)
        name = data[pos + 2:pos + 2 + ln].decode()
        pos += 2 + ln
        (k,) = struct.unpack_from(">i", data, pos)
        parts = list(struct.unpack_from(">%di" % k, data, pos + 4))
        pos += 4 + 4 * k
        if name == topic:
            out.extend(parts)
    return sorted(out)


def check_list_groups():
    group = PREFIX + "-g"
    c = Consumer({**BASE, "group.id": group, "auto.offset.reset": "earliest", "partition.assignment.strategy": "range"})
    assigned = []
    c.subscribe([PREFIX], on_assign=lambda c, parts: assigned.extend(tp.partition for tp in parts))
    def joined():
        c.poll(0.1)
        return len(assigned) == 2

    eventually(joined, timeout=60, what="the member's assignment")
    admin = AdminClient(BASE)

    def describe():
        gs = admin.list_groups(group, timeout=10)
        return [{"group": g.id, "state": g.state, "protocolType": g.protocol_type, "protocol": g.protocol, "error": None if g.error is None else str(g.error),
                 "members": [assignment_partitions(m.assignment, PREFIX) for m in g.members]} for g in gs]

    stable = eventually(lambda: (lambda d: d if d and d[0]["state"] == "Stable" else None)(describe()), what="the group Stable")
    listed = sorted(g.id for g in admin.list_groups(timeout=10) if g.id == group)
    c.close()
    empty = describe()
    print(json.dumps({"listed": listed, "stable": stable, "empty": empty}))


def check_offsets_by_time():
    now = int(time.time() * 1000)
    p = Producer({**BASE, "acks": "all"})
    for i in range(100):
        p.produce(PREFIX, value="t%d" % i, partition=0, timestamp=(now - 3600000 if i < 50 else now - 1800000) + i)
    if p.flush(30):
        raise RuntimeError("records not delivered")
    c = Consumer({**BASE, "group.id": PREFIX + "-times"})

    def at(ts):
        return c.offsets_for_times([TopicPartition(PREFIX, 0, ts)], timeout=10)[0].offset

    low, high = c.get_watermark_offsets(TopicPartition(PREFIX, 0), timeout=10)
    out = {"between": at(now - 2700000), "beforeAll": at(now - 7200000), "future": at(now + 3600000), "latest": high, "earliest": low}
    c.close()
    print(json.dumps(out))


{"admin": check_admin, "produce": check_produce, "group": check_group, "commit": check_commit,
 "transactions": check_transactions, "metadata": check_metadata, "produce-read": check_produce_read,
 "idempotent": check_idempotent, "group-restart": check_group_restart, "list-groups": check_list_groups,
 "offsets-by-time": check_offsets_by_time}[CHECK]()
