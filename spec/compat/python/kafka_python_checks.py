"""kafka-python (Debian's python3-kafka, pure Python) feature checks for the compat suite
(spec/compat/kafka-python.spec.ts).

Usage: /usr/bin/python3 kafka_python_checks.py <check> <bootstrap> <topic> [extra...]
Each check drives the client as its users do and prints one JSON document with what it wrote and
what it read back ([partition, offset, key, value] arrays); the TypeScript side asserts on it.
Errors propagate (non-zero exit, traceback on stderr).
"""
import json
import sys
import threading
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.consumer.subscription_state import ConsumerRebalanceListener

CHECK, BOOTSTRAP, TOPIC = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
EXTRA = sys.argv[4:]
CLIENT_ID = "compat-kafka-python"


def eventually(fn, timeout=30, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    raise RuntimeError("timed out waiting for " + what)


def keyed(prefix, n):
    return [[-1, -1, "%s-k%d" % (prefix, i % 97), "%s-v%d-%s" % (prefix, i, "x" * (i % 53))] for i in range(n)]


def admin(bootstrap=None):
    return KafkaAdminClient(bootstrap_servers=bootstrap or BOOTSTRAP, client_id=CLIENT_ID)


def produce(records, **conf):
    """Sends [partition, offset, key, value] records (partition -1: the default murmur2 partitioner)
    with acks=all; returns them in send order with the partition and offset of their ack."""
    p = KafkaProducer(bootstrap_servers=BOOTSTRAP, client_id=CLIENT_ID, acks="all", linger_ms=5, **conf)
    futures = []
    for r in records:
        kw = {} if r[0] < 0 else {"partition": r[0]}
        futures.append(p.send(TOPIC, key=r[2].encode(), value=r[3].encode(), **kw))
    p.flush(60)
    out = []
    for r, f in zip(records, futures):
        md = f.get(timeout=30)
        out.append([md.partition, md.offset, r[2], r[3]])
    p.close()
    return out


def read_all(topic=None):
    """Reads every partition from its beginning to its end offset with assign()."""
    topic = topic or TOPIC
    c = KafkaConsumer(bootstrap_servers=BOOTSTRAP, client_id=CLIENT_ID, enable_auto_commit=False)
    tps = [TopicPartition(topic, p) for p in sorted(c.partitions_for_topic(topic))]
    ends = c.end_offsets(tps)
    starts = c.beginning_offsets(tps)
    c.assign(tps)
    c.seek_to_beginning()
    remaining = {tp: ends[tp] for tp in tps if ends[tp] > starts[tp]}
    out = []
    deadline = time.time() + 30
    while remaining:
        if time.time() > deadline:
            raise RuntimeError("reading %s: left %s" % (topic, remaining))
        for tp, msgs in c.poll(timeout_ms=200).items():
            for m in msgs:
                out.append([m.partition, m.offset, None if m.key is None else m.key.decode(), None if m.value is None else m.value.decode()])
                if m.offset + 1 >= remaining.get(tp, 0):
                    remaining.pop(tp, None)
    c.close()
    return out


def check_metadata():
    a = admin([BOOTSTRAP[0]])
    cluster = a.describe_cluster()
    topics = a.describe_topics([TOPIC])
    a.close()
    parts = [{"partition": p["partition"], "leader": p["leader"], "replicas": p["replicas"], "isr": p["isr"]} for p in topics[0]["partitions"]]
    brokers = sorted("%d:%s:%d" % (b["node_id"], b["host"], b["port"]) for b in cluster["brokers"])
    print(json.dumps({"brokers": brokers, "controller": cluster["controller_id"], "partitions": parts, "error": topics[0]["error_code"]}))


def check_create_topic():
    a = admin()
    a.create_topics([NewTopic(TOPIC, 6, 3, topic_configs={"retention.ms": "3600000"})], timeout_ms=20000)

    def ready():
        t = a.describe_topics([TOPIC])[0]
        return t if t["error_code"] == 0 and len(t["partitions"]) == 6 and all(p["leader"] >= 0 for p in t["partitions"]) else None

    t = eventually(ready, what="the topic's partitions with leaders")
    configs = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, TOPIC)])
    entries = {e[0]: e[1] for e in configs[0].resources[0][4]}
    a.close()
    rf = {}
    for p in t["partitions"]:
        rf[str(len(p["replicas"]))] = rf.get(str(len(p["replicas"])), 0) + 1
    print(json.dumps({"partitions": len(t["partitions"]), "replicationFactors": rf, "retention.ms": entries.get("retention.ms")}))


def check_produce_read():
    n = int(EXTRA[0]) if EXTRA else 10000
    codec = EXTRA[1] if len(EXTRA) > 1 else "none"
    sent = produce(keyed(TOPIC, n), compression_type=None if codec == "none" else codec)
    print(json.dumps({"sent": sent, "read": read_all()}))


class Member(ConsumerRebalanceListener):
    """One group member polling in its own thread (kafka-python consumers are not thread-safe, and
    three members polled in turn from one thread would hold each other's rebalance)."""

    def __init__(self, group):
        self.lock = threading.Lock()
        self.assigned = []
        self.generation = -1
        self.read = []
        self.stopping = False
        self.consumer = KafkaConsumer(bootstrap_servers=BOOTSTRAP, client_id=CLIENT_ID, group_id=group, auto_offset_reset="earliest",
                                      enable_auto_commit=True, auto_commit_interval_ms=200, heartbeat_interval_ms=500,
                                      session_timeout_ms=10000)
        self.consumer.subscribe([TOPIC], listener=self)
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def on_partitions_revoked(self, revoked):
        with self.lock:
            self.assigned = []

    def on_partitions_assigned(self, assigned):
        with self.lock:
            self.assigned = sorted(tp.partition for tp in assigned)
            # The generation this assignment belongs to (kafka-python keeps it on its coordinator).
            self.generation = self.consumer._coordinator._generation.generation_id

    def run(self):
        while not self.stopping:
            for tp, msgs in self.consumer.poll(timeout_ms=100).items():
                with self.lock:
                    self.read.extend([m.partition, m.offset, m.key.decode(), m.value.decode()] for m in msgs)
        self.consumer.close()  # commits the consumed offsets (auto commit)

    def state(self):
        with self.lock:
            return {"generation": self.generation, "partitions": list(self.assigned)}

    def stop(self):
        self.stopping = True
        self.thread.join(30)
        return self.read


def split_ok(states, n):
    owned = sorted(p for s in states for p in s["partitions"])
    return owned == list(range(n)) and all(s["partitions"] and s["generation"] == states[0]["generation"] for s in states)


def run_group(group, phase):
    members = [Member(group) for _ in range(3)]
    eventually(lambda: split_ok([m.state() for m in members], 6), timeout=60, what="3 members sharing 6 partitions")
    split = [m.state() for m in members]
    records = keyed("%s-%d" % (TOPIC, phase), 600)
    for i, r in enumerate(records):
        r[0] = i % 6
    sent = produce(records)
    eventually(lambda: sum(len(m.read) for m in members) >= len(records), what="%d records read" % len(records))
    time.sleep(0.5)  # a duplicate delivery would show up here
    return {"split": split, "sent": sent, "read": [m.stop() for m in members]}


def check_group():
    group = TOPIC + "-g"
    first = run_group(group, 1)
    a = admin()
    committed = {str(tp.partition): o.offset for tp, o in a.list_consumer_group_offsets(group).items() if tp.topic == TOPIC}
    a.close()
    second = run_group(group, 2)
    print(json.dumps({"first": first, "committed": committed, "second": second}))


def check_groups_admin():
    group = TOPIC + "-g"
    m = Member(group)
    eventually(lambda: m.state()["partitions"] == [0, 1], timeout=60, what="the member's assignment")
    records = keyed(TOPIC, 10)
    for i, r in enumerate(records):
        r[0] = i % 2
    produce(records)
    eventually(lambda: len(m.read) >= 10, what="10 records read")
    a = admin()

    def describe():
        d = a.describe_consumer_groups([group])[0]
        members = [sorted(p for t, ps in mi.member_assignment.assignment if t == TOPIC for p in ps) for mi in d.members]
        return {"group": d.group, "state": d.state, "protocolType": d.protocol_type, "protocol": d.protocol, "error": d.error_code, "members": members}

    listed = eventually(lambda: [g for g in a.list_consumer_groups() if g[0] == group], what="the group listed")
    stable = eventually(lambda: (lambda d: d if d["state"] == "Stable" else None)(describe()), what="the group Stable")
    m.stop()
    empty = describe()
    committed = {str(tp.partition): o.offset for tp, o in a.list_consumer_group_offsets(group).items() if tp.topic == TOPIC}
    a.close()
    print(json.dumps({"listed": [list(g) for g in listed], "stable": stable, "empty": empty, "committed": committed}))


def check_offsets_by_time():
    now = int(time.time() * 1000)
    early, late = now - 3600000, now - 1800000
    p = KafkaProducer(bootstrap_servers=BOOTSTRAP, client_id=CLIENT_ID, acks="all")
    for i in range(100):
        ts = (early if i < 50 else late) + i
        p.send(TOPIC, value=("t%d" % i).encode(), partition=0, timestamp_ms=ts)
    p.flush(30)
    p.close()
    c = KafkaConsumer(bootstrap_servers=BOOTSTRAP, client_id=CLIENT_ID)
    tp = TopicPartition(TOPIC, 0)

    def at(ts):
        r = c.offsets_for_times({tp: ts})[tp]
        return None if r is None else r.offset

    out = {"between": at(now - 2700000), "beforeAll": at(now - 7200000), "future": at(now + 3600000),
           "latest": c.end_offsets([tp])[tp], "earliest": c.beginning_offsets([tp])[tp]}
    c.close()
    print(json.dumps(out))


def check_delete_topic():
    a = admin()
    before = TOPIC in a.list_topics()
    a.delete_topics([TOPIC], timeout_ms=20000)
    eventually(lambda: TOPIC not in a.list_topics(), what="the topic gone")
    after = TOPIC in a.list_topics()
    a.close()
    print(json.dumps({"before": before, "after": after}))


{"metadata": check_metadata, "create-topic": check_create_topic, "produce-read": check_produce_read, "group": check_group,
 "groups-admin": check_groups_admin, "offsets-by-time": check_offsets_by_time, "delete-topic": check_delete_topic}[CHECK]()
