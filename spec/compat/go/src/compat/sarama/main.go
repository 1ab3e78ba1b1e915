// sarama (Debian's golang-github-shopify-sarama-dev) checks for the compat suite
// (spec/compat/sarama.spec.ts). Usage: sarama <check> <bootstrap,...> <topic-or-prefix> [extra...].
// Each check drives the client as its users do and prints one JSON document with what it wrote
// and what it read back; the TypeScript side asserts on it.
package main

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"compat/check"

	"github.com/Shopify/sarama"
)

// modern is the protocol version of the checks that need more than sarama's default (0.8.2):
// admin requests, consumer groups, idempotence and timestamps.
var modern = sarama.V2_0_0_0

func main() {
	a := check.Parse()
	checks := map[string]func(check.Args){
		"version":         func(check.Args) { check.Print(map[string]string{"default": sarama.NewConfig().Version.String()}) },
		"metadata":        metadata,
		"create-topic":    createTopic,
		"produce-read":    produceRead,
		"old-protocol":    oldProtocol,
		"group":           group,
		"idempotent":      idempotent,
		"groups-admin":    groupsAdmin,
		"offsets-by-time": offsetsByTime,
		"delete-topic":    deleteTopic,
	}
	fn, ok := checks[a.Check]
	if !ok {
		check.Fail(fmt.Errorf("unknown check %q", a.Check))
	}
	fn(a)
}

func config(version sarama.KafkaVersion) *sarama.Config {
	c := sarama.NewConfig()
	c.ClientID = "compat-sarama"
	c.Version = version
	c.Metadata.Retry.Backoff = 200 * time.Millisecond
	c.Metadata.Retry.Max = 20
	c.Producer.Retry.Backoff = 200 * time.Millisecond
	c.Producer.Retry.Max = 20
	return c
}

func newClient(addrs []string, c *sarama.Config) sarama.Client {
	cl, err := sarama.NewClient(addrs, c)
	check.Must(err, "new client")
	return cl
}

func newAdmin(addrs []string) sarama.ClusterAdmin {
	ad, err := sarama.NewClusterAdmin(addrs, config(modern))
	check.Must(err, "new cluster admin")
	return ad
}

// metadata: a client bootstrapped from one broker sees every broker, the controller and the
// topic's partitions with their replicas and ISR.
func metadata(a check.Args) {
	cl := newClient(a.Bootstrap[:1], config(modern))
	defer cl.Close()
	check.Must(cl.RefreshMetadata(a.Name), "refresh metadata")
	type part struct {
		Partition int32   `json:"partition"`
		Leader    int32   `json:"leader"`
		Replicas  []int32 `json:"replicas"`
		Isr       []int32 `json:"isr"`
	}
	type broker struct {
		ID   int32  `json:"id"`
		Addr string `json:"addr"`
	}
	out := struct {
		Brokers    []broker `json:"brokers"`
		Controller int32    `json:"controller"`
		Partitions []part   `json:"partitions"`
	}{}
	for _, b := range cl.Brokers() {
		out.Brokers = append(out.Brokers, broker{b.ID(), b.Addr()})
	}
	ctl, err := cl.Controller()
	check.Must(err, "controller")
	out.Controller = ctl.ID()
	ps, err := cl.Partitions(a.Name)
	check.Must(err, "partitions")
	for _, p := range ps {
		l, err := cl.Leader(a.Name, p)
		check.Must(err, "leader")
		r, err := cl.Replicas(a.Name, p)
		check.Must(err, "replicas")
		isr, err := cl.InSyncReplicas(a.Name, p)
		check.Must(err, "isr")
		out.Partitions = append(out.Partitions, part{p, l.ID(), r, isr})
	}
	check.Print(out)
}

// create-topic: ClusterAdmin.CreateTopic with 6 partitions, RF 3 and a topic config, then the
// metadata and the config as the client reads them back.
func createTopic(a check.Args) {
	ad := newAdmin(a.Bootstrap)
	defer ad.Close()
	retention := "3600000"
	check.Must(ad.CreateTopic(a.Name, &sarama.TopicDetail{NumPartitions: 6, ReplicationFactor: 3, ConfigEntries: map[string]*string{"retention.ms": &retention}}, false), "create topic")
	var meta []*sarama.TopicMetadata
	check.Eventually(30*time.Second, "topic metadata with leaders", func() bool {
		m, err := ad.DescribeTopics([]string{a.Name})
		if err != nil || len(m) != 1 || m[0].Err != sarama.ErrNoError || len(m[0].Partitions) != 6 {
			return false
		}
		for _, p := range m[0].Partitions {
			if p.Leader < 0 {
				return false
			}
		}
		meta = m
		return true
	})
	entries, err := ad.DescribeConfig(sarama.ConfigResource{Type: sarama.TopicResource, Name: a.Name, ConfigNames: []string{"retention.ms"}})
	check.Must(err, "describe config")
	out := map[string]interface{}{"partitions": len(meta[0].Partitions)}
	rf := map[int]int{}
	for _, p := range meta[0].Partitions {
		rf[len(p.Replicas)]++
	}
	out["replicationFactors"] = rf
	for _, e := range entries {
		out[e.Name] = e.Value
	}
	check.Print(out)
}

// produceRead: <count> keyed records (the default hash partitioner) with acks=all and the codec,
// at the protocol version given; the records read back from every partition from the start.
// extra: count codec [version]
func produceRead(a check.Args) {
	n, err := strconv.Atoi(a.Arg(0, "10000"))
	check.Must(err, "count")
	version := modern
	if v := a.Arg(2, ""); v != "" {
		version, err = sarama.ParseKafkaVersion(v)
		check.Must(err, "version")
	}
	c := config(version)
	c.Producer.Compression = codec(a.Arg(1, "none"))
	sent, err := produce(a.Bootstrap, a.Name, check.Keyed(a.Name, n), c)
	out := map[string]interface{}{"sent": sent}
	if err != nil {
		out["produceError"] = err.Error()
		if kerr, ok := err.(sarama.KError); ok {
			out["produceErrorCode"] = int16(kerr)
		}
	}
	out["read"] = readAll(a.Bootstrap, a.Name, config(version))
	check.Print(out)
}

func codec(name string) sarama.CompressionCodec {
	switch name {
	case "none":
		return sarama.CompressionNone
	case "gzip":
		return sarama.CompressionGZIP
	case "snappy":
		return sarama.CompressionSnappy
	case "lz4":
		return sarama.CompressionLZ4
	case "zstd":
		return sarama.CompressionZSTD
	}
	check.Fail(fmt.Errorf("unknown codec %q", name))
	return 0
}

// produce sends the records through an AsyncProducer with acks=all and returns them in send order
// with the partition and offset of their acknowledgement. Records with Partition >= 0 go there
// (manual partitioner); the others are placed by sarama's default hash partitioner. The first
// produce error is returned with the records acknowledged so far.
func produce(addrs []string, topic string, records []check.Record, c *sarama.Config) ([]check.Record, error) {
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Return.Successes = true
	c.Producer.Return.Errors = true
	manual := len(records) > 0 && records[0].Partition >= 0
	if manual {
		c.Producer.Partitioner = sarama.NewManualPartitioner
	}
	p, err := sarama.NewAsyncProducer(addrs, c)
	check.Must(err, "new producer")
	out := append([]check.Record(nil), records...)
	var firstErr error
	done := make(chan struct{})
	go func() {
		for i := 0; i < len(records); i++ {
			select {
			case m := <-p.Successes():
				k := m.Metadata.(int)
				out[k].Partition, out[k].Offset = m.Partition, m.Offset
			case e := <-p.Errors():
				if firstErr == nil {
					firstErr = e.Err
				}
			}
		}
		close(done)
	}()
	for i, r := range records {
		m := &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(r.Key), Value: sarama.StringEncoder(r.Value), Metadata: i}
		if manual {
			m.Partition = r.Partition
		}
		p.Input() <- m
	}
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		check.Fail(fmt.Errorf("no acknowledgement for every record within 60 s"))
	}
	check.Must(p.Close(), "close producer")
	return out, firstErr
}

// readAll reads every partition of the topic from the oldest offset up to its high watermark.
func readAll(addrs []string, topic string, c *sarama.Config) []check.Record {
	cl := newClient(addrs, c)
	defer cl.Close()
	consumer, err := sarama.NewConsumerFromClient(cl)
	check.Must(err, "new consumer")
	defer consumer.Close()
	ps, err := cl.Partitions(topic)
	check.Must(err, "partitions")
	var out []check.Record
	for _, p := range ps {
		hw, err := cl.GetOffset(topic, p, sarama.OffsetNewest)
		check.Must(err, "high watermark")
		first, err := cl.GetOffset(topic, p, sarama.OffsetOldest)
		check.Must(err, "log start")
		if hw <= first {
			continue
		}
		pc, err := consumer.ConsumePartition(topic, p, sarama.OffsetOldest)
		check.Must(err, "consume partition")
		deadline := time.After(30 * time.Second)
		for next := first; next < hw; {
			select {
			case m := <-pc.Messages():
				out = append(out, check.Record{Partition: m.Partition, Offset: m.Offset, Key: string(m.Key), Value: string(m.Value)})
				next = m.Offset + 1
			case e := <-pc.Errors():
				check.Fail(fmt.Errorf("consume %s/%d: %v", topic, p, e.Err))
			case <-deadline:
				check.Fail(fmt.Errorf("reading %s/%d: stuck before %d of %d", topic, p, next, hw))
			}
		}
		check.Must(pc.Close(), "close partition consumer")
	}
	return out
}

// old-protocol: sarama's default configuration (Version 0.8.2: Produce v0 and Fetch v0, magic-0
// messages) produces and consumes with the codec; a raw Fetch v0 shows the message format the
// broker answers with, and a modern (Fetch v4) read shows the same records.
// extra: codec count
func oldProtocol(a check.Args) {
	n, err := strconv.Atoi(a.Arg(1, "300"))
	check.Must(err, "count")
	def := sarama.NewConfig()
	def.ClientID = "compat-sarama-old"
	def.Producer.Compression = codec(a.Arg(0, "none"))
	records := check.Keyed(a.Name, n)
	for i := range records {
		records[i].Partition = int32(i % 2)
	}
	sent, err := produce(a.Bootstrap, a.Name, records, def)
	check.Must(err, "produce with the default version")
	old := sarama.NewConfig()
	old.ClientID = "compat-sarama-old"
	read := readAll(a.Bootstrap, a.Name, old)
	// One raw Fetch v0 per partition: the messages' magic and codec as they arrive.
	cl := newClient(a.Bootstrap, sarama.NewConfig())
	defer cl.Close()
	magics, codecs, inner := map[int8]int{}, map[string]int{}, 0
	for _, p := range []int32{0, 1} {
		leader, err := cl.Leader(a.Name, p)
		check.Must(err, "leader")
		req := &sarama.FetchRequest{Version: 0, MaxWaitTime: 100, MinBytes: 1}
		req.AddBlock(a.Name, p, 0, 1<<20)
		resp, err := leader.Fetch(req)
		check.Must(err, "fetch v0")
		block := resp.GetBlock(a.Name, p)
		if block == nil || block.Err != sarama.ErrNoError {
			check.Fail(fmt.Errorf("fetch v0 %s/%d: %v", a.Name, p, block))
		}
		for _, rs := range block.RecordsSet {
			if rs.MsgSet == nil {
				check.Fail(fmt.Errorf("fetch v0 answered a record batch, not a message set"))
			}
			for _, mb := range rs.MsgSet.Messages {
				magics[mb.Msg.Version]++
				codecs[mb.Msg.Codec.String()]++
				if mb.Msg.Set != nil {
					for _, im := range mb.Msg.Set.Messages {
						magics[im.Msg.Version]++
						inner++
					}
				}
			}
		}
	}
	check.Print(map[string]interface{}{
		"defaultVersion": sarama.NewConfig().Version.String(),
		"sent":           sent,
		"read":           read,
		"readModern":     readAll(a.Bootstrap, a.Name, config(modern)),
		"fetchV0":        map[string]interface{}{"magics": magics, "codecs": codecs, "innerMessages": inner},
	})
}

// groupMember is one sarama ConsumerGroup member: its latest claims and the records it read.
type groupMember struct {
	mu       sync.Mutex
	assigned check.Assignment
	initial  map[int32]int64
	read     []check.Record
	group    sarama.ConsumerGroup
	stopped  chan struct{}
}

func (m *groupMember) Setup(s sarama.ConsumerGroupSession) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ps []int32
	for _, p := range s.Claims() {
		ps = append(ps, p...)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
	m.assigned = check.Assignment{Generation: s.GenerationID(), Partitions: ps}
	return nil
}

func (m *groupMember) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (m *groupMember) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	m.mu.Lock()
	// The first claim of a partition is the one the check is about: a later one (the group
	// rebalancing while the members close one after the other) starts past what was read.
	if _, seen := m.initial[c.Partition()]; !seen {
		m.initial[c.Partition()] = c.InitialOffset()
	}
	m.mu.Unlock()
	for msg := range c.Messages() {
		m.mu.Lock()
		m.read = append(m.read, check.Record{Partition: msg.Partition, Offset: msg.Offset, Key: string(msg.Key), Value: string(msg.Value)})
		m.mu.Unlock()
		s.MarkMessage(msg, "")
	}
	return nil
}

func startMember(addrs []string, groupID, topic string) *groupMember {
	c := config(modern)
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	c.Consumer.Offsets.CommitInterval = 200 * time.Millisecond
	c.Consumer.Group.Heartbeat.Interval = 500 * time.Millisecond
	c.Consumer.Group.Rebalance.Strategy = sarama.BalanceStrategyRange
	g, err := sarama.NewConsumerGroup(addrs, groupID, c)
	check.Must(err, "new consumer group")
	m := &groupMember{group: g, initial: map[int32]int64{}, stopped: make(chan struct{})}
	go func() {
		defer close(m.stopped)
		for {
			if err := g.Consume(context.Background(), []string{topic}, m); err == sarama.ErrClosedConsumerGroup {
				return
			}
			select {
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return m
}

// runGroup starts three members, waits until they share the 6 partitions, produces the records
// and reads until every one arrived; then closes the members (committing what they marked).
func runGroup(a check.Args, groupID string, records []check.Record) map[string]interface{} {
	members := []*groupMember{startMember(a.Bootstrap, groupID, a.Name), startMember(a.Bootstrap, groupID, a.Name), startMember(a.Bootstrap, groupID, a.Name)}
	snapshot := func() []check.Assignment {
		out := make([]check.Assignment, len(members))
		for i, m := range members {
			m.mu.Lock()
			out[i] = m.assigned
			m.mu.Unlock()
		}
		return out
	}
	check.Eventually(60*time.Second, "3 members sharing 6 partitions", func() bool { return check.Split(snapshot(), 6) })
	split := snapshot()
	sent, err := produce(a.Bootstrap, a.Name, records, config(modern))
	check.Must(err, "produce")
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
	out := map[string]interface{}{"split": split, "sent": sent}
	var read [][]check.Record
	var initial []map[int32]int64
	for _, m := range members {
		check.Must(m.group.Close(), "close member")
		<-m.stopped
		read = append(read, m.read)
		initial = append(initial, m.initial)
	}
	out["read"] = read
	out["initial"] = initial
	return out
}

// group: three members on 6 partitions read 600 records and commit; the members close, three new
// ones start from the committed offsets and read only the next 600.
func group(a check.Args) {
	groupID := a.Name + "-g"
	batch := func(phase int) []check.Record {
		rs := check.Keyed(fmt.Sprintf("%s-%d", a.Name, phase), 600)
		for i := range rs {
			rs[i].Partition = int32(i % 6)
		}
		return rs
	}
	first := runGroup(a, groupID, batch(1))
	ad := newAdmin(a.Bootstrap)
	defer ad.Close()
	committed := map[int32]int64{}
	offs, err := ad.ListConsumerGroupOffsets(groupID, map[string][]int32{a.Name: {0, 1, 2, 3, 4, 5}})
	check.Must(err, "list consumer group offsets")
	for p, b := range offs.Blocks[a.Name] {
		committed[p] = b.Offset
	}
	second := runGroup(a, groupID, batch(2))
	check.Print(map[string]interface{}{"first": first, "committed": committed, "second": second})
}

// idempotent: Producer.Idempotent (InitProducerId, sequence numbers) with acks=all and one
// request in flight; the records read back exactly once, in order.
func idempotent(a check.Args) {
	c := config(modern)
	c.Producer.Idempotent = true
	c.Net.MaxOpenRequests = 1
	records := check.Keyed(a.Name, 1000)
	for i := range records {
		records[i].Partition = int32(i % 2)
	}
	sent, err := produce(a.Bootstrap, a.Name, records, c)
	check.Must(err, "idempotent produce")
	check.Print(map[string]interface{}{"sent": sent, "read": readAll(a.Bootstrap, a.Name, config(modern))})
}

// groups-admin: ListConsumerGroups and DescribeConsumerGroups of a group with one member reading
// the topic (Stable, the member's assignment), then after it left (Empty), with its offsets.
func groupsAdmin(a check.Args) {
	groupID := a.Name + "-g"
	ad := newAdmin(a.Bootstrap)
	defer ad.Close()
	meta, err := ad.DescribeTopics([]string{a.Name})
	check.Must(err, "describe topic")
	m := startMember(a.Bootstrap, groupID, a.Name)
	check.Eventually(60*time.Second, "the member's assignment", func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		return len(m.assigned.Partitions) == len(meta[0].Partitions)
	})
	records := check.Keyed(a.Name, 10)
	for i := range records {
		records[i].Partition = int32(i % 2)
	}
	_, err = produce(a.Bootstrap, a.Name, records, config(modern))
	check.Must(err, "produce")
	check.Eventually(30*time.Second, "10 records read", func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		return len(m.read) == 10
	})
	describe := func() map[string]interface{} {
		ds, err := ad.DescribeConsumerGroups([]string{groupID})
		check.Must(err, "describe consumer groups")
		d := ds[0]
		out := map[string]interface{}{"group": d.GroupId, "state": d.State, "protocolType": d.ProtocolType, "protocol": d.Protocol, "error": int16(d.Err)}
		var assigned [][]int32
		for _, md := range d.Members {
			as, err := md.GetMemberAssignment()
			check.Must(err, "member assignment")
			ps := as.Topics[a.Name]
			sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
			assigned = append(assigned, ps)
		}
		out["members"] = assigned
		return out
	}
	var listed map[string]string
	check.Eventually(20*time.Second, "the group listed", func() bool {
		l, err := ad.ListConsumerGroups()
		check.Must(err, "list consumer groups")
		listed = l
		_, ok := l[groupID]
		return ok
	})
	stable := describe()
	check.Must(m.group.Close(), "close member")
	<-m.stopped
	empty := describe()
	offs, err := ad.ListConsumerGroupOffsets(groupID, map[string][]int32{a.Name: {0, 1}})
	check.Must(err, "list consumer group offsets")
	committed := map[int32]int64{}
	for p, b := range offs.Blocks[a.Name] {
		committed[p] = b.Offset
	}
	check.Print(map[string]interface{}{"listedType": listed[groupID], "stable": stable, "empty": empty, "committed": committed})
}

// offsets-by-time: 50 records stamped an hour ago, 50 stamped half an hour ago; Client.GetOffset
// (ListOffsets v1) for a time between them, a time in the future, latest and earliest.
func offsetsByTime(a check.Args) {
	now := time.Now()
	early, late := now.Add(-time.Hour), now.Add(-30*time.Minute)
	c := config(modern)
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Return.Successes = true
	c.Producer.Partitioner = sarama.NewManualPartitioner
	p, err := sarama.NewSyncProducer(a.Bootstrap, c)
	check.Must(err, "new producer")
	var msgs []*sarama.ProducerMessage
	for i := 0; i < 100; i++ {
		ts := early.Add(time.Duration(i) * time.Millisecond)
		if i >= 50 {
			ts = late.Add(time.Duration(i) * time.Millisecond)
		}
		msgs = append(msgs, &sarama.ProducerMessage{Topic: a.Name, Partition: 0, Value: sarama.StringEncoder(fmt.Sprintf("t%d", i)), Timestamp: ts})
	}
	check.Must(p.SendMessages(msgs), "produce")
	check.Must(p.Close(), "close producer")
	cl := newClient(a.Bootstrap, config(modern))
	defer cl.Close()
	ms := func(t time.Time) int64 { return t.UnixNano() / int64(time.Millisecond) }
	get := func(t int64) int64 {
		o, err := cl.GetOffset(a.Name, 0, t)
		check.Must(err, "get offset")
		return o
	}
	check.Print(map[string]int64{
		"between":   get(ms(now.Add(-45 * time.Minute))),
		"beforeAll": get(ms(now.Add(-2 * time.Hour))),
		"future":    get(ms(now.Add(time.Hour))),
		"latest":    get(sarama.OffsetNewest),
		"earliest":  get(sarama.OffsetOldest),
	})
}

// delete-topic: ClusterAdmin.DeleteTopic; the topic is gone from the metadata afterwards.
func deleteTopic(a check.Args) {
	ad := newAdmin(a.Bootstrap)
	defer ad.Close()
	listed := func() bool {
		ts, err := ad.ListTopics()
		check.Must(err, "list topics")
		_, ok := ts[a.Name]
		return ok
	}
	before := listed()
	check.Must(ad.DeleteTopic(a.Name), "delete topic")
	check.Eventually(30*time.Second, "the topic gone", func() bool { return !listed() })
	check.Print(map[string]bool{"before": before, "after": listed()})
}
