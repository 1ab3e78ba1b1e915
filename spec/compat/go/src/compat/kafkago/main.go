// segmentio kafka-go (Debian's golang-github-segmentio-kafka-go-dev, 0.2.1) checks for the compat
// suite (spec/compat/kafka-go.spec.ts). Usage: kafkago <check> <bootstrap,...> <topic> [extra...].
// kafka-go 0.2.1 speaks Metadata v1, Produce v2 / Fetch v2 (magic-1 message sets), ListOffsets v1,
// CreateTopics v0, DeleteTopics v0 and the group APIs JoinGroup v1, SyncGroup v0, OffsetCommit v2,
// OffsetFetch v1. Its Writer does not return offsets, so a written record's expected position is
// its Hash balancer's partition and its place in send order.
package main

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"

	"compat/check"

	kafka "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/gzip"
	"github.com/segmentio/kafka-go/lz4"
	"github.com/segmentio/kafka-go/snappy"
)

func main() {
	a := check.Parse()
	checks := map[string]func(check.Args){
		"metadata":        metadata,
		"create-topic":    createTopic,
		"produce-read":    produceRead,
		"group":           group,
		"offsets-by-time": offsetsByTime,
		"delete-topic":    deleteTopic,
	}
	fn, ok := checks[a.Check]
	if !ok {
		check.Fail(fmt.Errorf("unknown check %q", a.Check))
	}
	fn(a)
}

func dial(addr string) *kafka.Conn {
	c, err := kafka.Dial("tcp", addr)
	check.Must(err, "dial "+addr)
	return c
}

// metadata: Conn.ReadPartitions (Metadata v1) on a connection to one broker.
func metadata(a check.Args) {
	c := dial(a.Bootstrap[0])
	defer c.Close()
	ps, err := c.ReadPartitions(a.Name)
	check.Must(err, "read partitions")
	type part struct {
		Partition int   `json:"partition"`
		Leader    int   `json:"leader"`
		Replicas  []int `json:"replicas"`
		Isr       []int `json:"isr"`
	}
	brokers := map[string]bool{}
	ids := func(bs []kafka.Broker) []int {
		var out []int
		for _, b := range bs {
			brokers[fmt.Sprintf("%d:%s:%d", b.ID, b.Host, b.Port)] = true
			out = append(out, b.ID)
		}
		return out
	}
	var parts []part
	for _, p := range ps {
		parts = append(parts, part{p.ID, p.Leader.ID, ids(p.Replicas), ids(p.Isr)})
		ids([]kafka.Broker{p.Leader})
	}
	var bs []string
	for b := range brokers {
		bs = append(bs, b)
	}
	sort.Strings(bs)
	check.Print(map[string]interface{}{"partitions": parts, "brokers": bs})
}

// onController runs an admin request on each broker in turn until one is not answering
// NOT_CONTROLLER (CreateTopics and DeleteTopics go to the controller; 0.2.1 cannot look it up).
func onController(addrs []string, what string, fn func(*kafka.Conn) error) int {
	for i, addr := range addrs {
		c := dial(addr)
		err := fn(c)
		c.Close()
		if err == kafka.NotController {
			continue
		}
		check.Must(err, what)
		return i
	}
	check.Fail(fmt.Errorf("%s: every broker answered NOT_CONTROLLER", what))
	return -1
}

// create-topic: Conn.CreateTopics with 6 partitions, RF 3 and a topic config.
func createTopic(a check.Args) {
	onController(a.Bootstrap, "create topics", func(c *kafka.Conn) error {
		return c.CreateTopics(kafka.TopicConfig{Topic: a.Name, NumPartitions: 6, ReplicationFactor: 3, ConfigEntries: []kafka.ConfigEntry{{ConfigName: "retention.ms", ConfigValue: "3600000"}}})
	})
	var ps []kafka.Partition
	check.Eventually(30*time.Second, "the topic's partitions with leaders", func() bool {
		c := dial(a.Bootstrap[0])
		defer c.Close()
		got, err := c.ReadPartitions(a.Name)
		if err != nil || len(got) != 6 {
			return false
		}
		for _, p := range got {
			if p.Leader.ID < 0 {
				return false
			}
		}
		ps = got
		return true
	})
	rf := map[int]int{}
	for _, p := range ps {
		rf[len(p.Replicas)]++
	}
	check.Print(map[string]interface{}{"partitions": len(ps), "replicationFactors": rf})
}

func codec(name string) kafka.CompressionCodec {
	switch name {
	case "none":
		return nil
	case "gzip":
		return gzip.NewCompressionCodec()
	case "snappy":
		return snappy.NewCompressionCodec()
	case "lz4":
		return lz4.NewCompressionCodec()
	}
	check.Fail(fmt.Errorf("unknown codec %q", name))
	return nil
}

func partitionCount(addr, topic string) int {
	c := dial(addr)
	defer c.Close()
	ps, err := c.ReadPartitions(topic)
	check.Must(err, "read partitions")
	return len(ps)
}

// write sends the records with a Writer (acks=all) and returns them in send order with their
// partition and expected offset (from `base` per partition). Records without a partition are
// placed by the Hash balancer (kafka-go's key partitioner); the others go where they say.
func write(a check.Args, records []check.Record, compression kafka.CompressionCodec, base map[int32]int64) []check.Record {
	n := partitionCount(a.Bootstrap[0], a.Name)
	partitions := make([]int, n)
	for i := range partitions {
		partitions[i] = i
	}
	msgs := make([]kafka.Message, len(records))
	out := append([]check.Record(nil), records...)
	next := map[int32]int64{}
	for p, o := range base {
		next[p] = o
	}
	hash := &kafka.Hash{}
	chosen := map[string]int{}
	for i, r := range records {
		msgs[i] = kafka.Message{Key: []byte(r.Key), Value: []byte(r.Value)}
		p := r.Partition
		if p < 0 {
			p = int32(hash.Balance(msgs[i], partitions...))
		}
		chosen[r.Value] = int(p)
		out[i].Partition, out[i].Offset = p, next[p]
		next[p]++
	}
	var balancer kafka.Balancer = hash
	if len(records) > 0 && records[0].Partition >= 0 {
		balancer = kafka.BalancerFunc(func(m kafka.Message, _ ...int) int { return chosen[string(m.Value)] })
	}
	w := kafka.NewWriter(kafka.WriterConfig{Brokers: a.Bootstrap, Topic: a.Name, Balancer: balancer, RequiredAcks: -1, BatchSize: 200, BatchTimeout: 10 * time.Millisecond, CompressionCodec: compression})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	check.Must(w.WriteMessages(ctx, msgs...), "write messages")
	check.Must(w.Close(), "close writer")
	return out
}

// readAll reads every partition from its first offset to its last with a partition Reader (Fetch v2).
func readAll(a check.Args) []check.Record {
	var out []check.Record
	for p := 0; p < partitionCount(a.Bootstrap[0], a.Name); p++ {
		leader, err := kafka.DialLeader(context.Background(), "tcp", a.Bootstrap[0], a.Name, p)
		check.Must(err, "dial leader")
		first, last, err := leader.ReadOffsets()
		check.Must(err, "read offsets")
		leader.Close()
		if last <= first {
			continue
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: a.Bootstrap, Topic: a.Name, Partition: p, MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 100 * time.Millisecond})
		check.Must(r.SetOffset(first), "set offset")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		for next := first; next < last; {
			m, err := r.ReadMessage(ctx)
			check.Must(err, fmt.Sprintf("read %s/%d at %d of %d", a.Name, p, next, last))
			out = append(out, check.Record{Partition: int32(m.Partition), Offset: m.Offset, Key: string(m.Key), Value: string(m.Value)})
			next = m.Offset + 1
		}
		cancel()
		r.Close()
	}
	return out
}

// produce-read: <count> keyed records with the codec, read back. extra: count codec
func produceRead(a check.Args) {
	n, err := strconv.Atoi(a.Arg(0, "10000"))
	check.Must(err, "count")
	sent := write(a, check.Keyed(a.Name, n), codec(a.Arg(1, "none")), nil)
	check.Print(map[string]interface{}{"sent": sent, "read": readAll(a)})
}

// memberLog follows one group Reader through its debug log: the generation it joined and the
// partitions (with their starting offsets) it subscribed to.
type memberLog struct {
	mu         sync.Mutex
	buf        bytes.Buffer
	generation int32
	initial    map[int32]int64
}

var (
	joinedLine     = regexp.MustCompile(`joinGroup succeeded .* generationID=(\d+)`)
	subscribedLine = regexp.MustCompile(`subscribed to partitions: map\[(.*)\]`)
	offsetEntry    = regexp.MustCompile(`(\d+):(-?\d+)`)
)

func (l *memberLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil {
			l.buf.WriteString(line)
			break
		}
		if m := joinedLine.FindStringSubmatch(line); m != nil {
			g, _ := strconv.Atoi(m[1])
			l.generation, l.initial = int32(g), map[int32]int64{}
		}
		if m := subscribedLine.FindStringSubmatch(line); m != nil {
			for _, e := range offsetEntry.FindAllStringSubmatch(m[1], -1) {
				p, _ := strconv.Atoi(e[1])
				o, _ := strconv.ParseInt(e[2], 10, 64)
				l.initial[int32(p)] = o
			}
		}
	}
	return len(p), nil
}

func (l *memberLog) assignment() (check.Assignment, map[int32]int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ps []int32
	initial := map[int32]int64{}
	for p, o := range l.initial {
		ps = append(ps, p)
		initial[p] = o
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
	return check.Assignment{Generation: l.generation, Partitions: ps}, initial
}

type member struct {
	log    *memberLog
	reader *kafka.Reader
	mu     sync.Mutex
	read   []check.Record
	done   chan struct{}
}

// startMember runs a group Reader that commits each record it reads (CommitInterval 0: sync).
func startMember(a check.Args, groupID string) *member {
	l := &memberLog{initial: map[int32]int64{}}
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: a.Bootstrap, GroupID: groupID, Topic: a.Name, MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 100 * time.Millisecond,
		HeartbeatInterval: 500 * time.Millisecond, SessionTimeout: 10 * time.Second, RebalanceTimeout: 10 * time.Second,
		Logger: log.New(l, "", 0), ErrorLogger: log.New(l, "error: ", 0),
	})
	m := &member{log: l, reader: r, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		for {
			msg, err := r.FetchMessage(context.Background())
			if err != nil {
				return
			}
			m.mu.Lock()
			m.read = append(m.read, check.Record{Partition: int32(msg.Partition), Offset: msg.Offset, Key: string(msg.Key), Value: string(msg.Value)})
			m.mu.Unlock()
			if err := r.CommitMessages(context.Background(), msg); err != nil {
				return
			}
		}
	}()
	return m
}

// runGroup: three members share the partitions, then the records are written and read once.
func runGroup(a check.Args, groupID string, records []check.Record, base map[int32]int64) (map[string]interface{}, map[int32]int64) {
	members := []*member{startMember(a, groupID), startMember(a, groupID), startMember(a, groupID)}
	snapshot := func() ([]check.Assignment, []map[int32]int64) {
		var as []check.Assignment
		var is []map[int32]int64
		for _, m := range members {
			as1, is1 := m.log.assignment()
			as, is = append(as, as1), append(is, is1)
		}
		return as, is
	}
	check.Eventually(60*time.Second, "3 members sharing 6 partitions", func() bool { as, _ := snapshot(); return check.Split(as, 6) })
	split, initial := snapshot()
	sent := write(a, records, nil, base)
	total := func() int {
		n := 0
		for _, m := range members {
			m.mu.Lock()
			n += len(m.read)
			m.mu.Unlock()
		}
		return n
	}
	check.Eventually(30*time.Second, fmt.Sprintf("%d records read", len(records)), func() bool { return total() >= len(records) })
	time.Sleep(500 * time.Millisecond) // a duplicate delivery would show up here
	var read [][]check.Record
	for _, m := range members {
		check.Must(m.reader.Close(), "close reader")
		<-m.done
		m.mu.Lock()
		read = append(read, m.read)
		m.mu.Unlock()
	}
	starts := map[int32]int64{}
	for _, in := range initial {
		for p, o := range in {
			starts[p] = o
		}
	}
	return map[string]interface{}{"split": split, "sent": sent, "read": read, "initial": initial}, starts
}

// group: three Readers in a group on 6 partitions read and commit 600 records; they close, three
// new ones resume from the committed offsets (their OffsetFetch) and read only the next 600.
func group(a check.Args) {
	groupID := a.Name + "-g"
	batch := func(phase int) []check.Record {
		rs := check.Keyed(fmt.Sprintf("%s-%d", a.Name, phase), 600)
		for i := range rs {
			rs[i].Partition = int32(i % 6)
		}
		return rs
	}
	first, _ := runGroup(a, groupID, batch(1), nil)
	var firstSent []check.Record = first["sent"].([]check.Record)
	end := map[int32]int64{}
	for _, r := range firstSent {
		if r.Offset+1 > end[r.Partition] {
			end[r.Partition] = r.Offset + 1
		}
	}
	second, fetched := runGroup(a, groupID, batch(2), end)
	check.Print(map[string]interface{}{"first": first, "committed": fetched, "second": second, "firstEnd": end})
}

// offsets-by-time: 50 records stamped an hour ago, 50 half an hour ago (magic-1 timestamps); the
// leader connection's ReadOffset (ListOffsets v1) for times between, before and after them.
func offsetsByTime(a check.Args) {
	now := time.Now()
	early, late := now.Add(-time.Hour), now.Add(-30*time.Minute)
	w := kafka.NewWriter(kafka.WriterConfig{Brokers: a.Bootstrap, Topic: a.Name, RequiredAcks: -1, BatchSize: 100, BatchTimeout: 10 * time.Millisecond})
	var msgs []kafka.Message
	for i := 0; i < 100; i++ {
		ts := early.Add(time.Duration(i) * time.Millisecond)
		if i >= 50 {
			ts = late.Add(time.Duration(i) * time.Millisecond)
		}
		msgs = append(msgs, kafka.Message{Value: []byte(fmt.Sprintf("t%d", i)), Time: ts})
	}
	check.Must(w.WriteMessages(context.Background(), msgs...), "write")
	check.Must(w.Close(), "close writer")
	c, err := kafka.DialLeader(context.Background(), "tcp", a.Bootstrap[0], a.Name, 0)
	check.Must(err, "dial leader")
	defer c.Close()
	at := func(t time.Time) int64 {
		o, err := c.ReadOffset(t)
		check.Must(err, "read offset")
		return o
	}
	first, last, err := c.ReadOffsets()
	check.Must(err, "read offsets")
	check.Print(map[string]int64{
		"between":   at(now.Add(-45 * time.Minute)),
		"beforeAll": at(now.Add(-2 * time.Hour)),
		"future":    at(now.Add(time.Hour)),
		"latest":    last,
		"earliest":  first,
	})
}

// delete-topic: Conn.DeleteTopics on the controller. (The spec checks the topic is gone: every
// metadata request of kafka-go 0.2.1 is v1, which auto-creates a topic it names.)
func deleteTopic(a check.Args) {
	c := dial(a.Bootstrap[0])
	ps, err := c.ReadPartitions(a.Name)
	c.Close()
	check.Must(err, "read partitions")
	onController(a.Bootstrap, "delete topics", func(c *kafka.Conn) error { return c.DeleteTopics(a.Name) })
	check.Print(map[string]int{"partitionsBefore": len(ps)})
}
