// confluent-kafka-go (Debian's golang-github-confluentinc-confluent-kafka-go-dev, 0.11.6, on the
// system librdkafka through cgo) checks for the compat suite (spec/compat/confluent-kafka-go.spec.ts).
// Usage: confluentgo <check> <bootstrap,...> <topic> [extra...].
package main

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"compat/check"

	"github.com/confluentinc/confluent-kafka-go/kafka"
)

func main() {
	a := check.Parse()
	checks := map[string]func(check.Args){
		"version":         version,
		"metadata":        metadata,
		"create-topic":    createTopic,
		"produce-read":    produceRead,
		"group":           group,
		"idempotent":      idempotent,
		"offsets-by-time": offsetsByTime,
		"delete-topic":    deleteTopic,
	}
	fn, ok := checks[a.Check]
	if !ok {
		check.Fail(fmt.Errorf("unknown check %q", a.Check))
	}
	fn(a)
}

func conf(a check.Args, extra kafka.ConfigMap) *kafka.ConfigMap {
	c := kafka.ConfigMap{"bootstrap.servers": strings.Join(a.Bootstrap, ","), "client.id": "compat-confluent-kafka-go"}
	for k, v := range extra {
		c[k] = v
	}
	return &c
}

func version(check.Args) {
	_, lib := kafka.LibraryVersion()
	check.Print(map[string]string{"librdkafka": lib})
}

func newAdmin(a check.Args) *kafka.AdminClient {
	ad, err := kafka.NewAdminClient(conf(a, nil))
	check.Must(err, "new admin client")
	return ad
}

// metadata: AdminClient.GetMetadata bootstrapped from one broker.
func metadata(a check.Args) {
	ad := newAdmin(a)
	defer ad.Close()
	md, err := ad.GetMetadata(&a.Name, false, 10000)
	check.Must(err, "metadata")
	var brokers []string
	for _, b := range md.Brokers {
		brokers = append(brokers, fmt.Sprintf("%d:%s:%d", b.ID, b.Host, b.Port))
	}
	sort.Strings(brokers)
	t := md.Topics[a.Name]
	check.Must(errOf(t.Error), "topic metadata")
	check.Print(map[string]interface{}{"brokers": brokers, "partitions": t.Partitions, "from": md.OriginatingBroker.ID})
}

func errOf(e kafka.Error) error {
	if e.Code() == kafka.ErrNoError {
		return nil
	}
	return e
}

// create-topic: AdminClient.CreateTopics (6 partitions, RF 3, a config), DescribeConfigs.
func createTopic(a check.Args) {
	ad := newAdmin(a)
	defer ad.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := ad.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: a.Name, NumPartitions: 6, ReplicationFactor: 3, Config: map[string]string{"retention.ms": "3600000"}}}, kafka.SetAdminOperationTimeout(20*time.Second))
	check.Must(err, "create topics")
	check.Must(errOf(res[0].Error), "create topic")
	var parts []kafka.PartitionMetadata
	check.Eventually(30*time.Second, "metadata with leaders", func() bool {
		md, err := ad.GetMetadata(&a.Name, false, 10000)
		if err != nil || errOf(md.Topics[a.Name].Error) != nil || len(md.Topics[a.Name].Partitions) != 6 {
			return false
		}
		for _, p := range md.Topics[a.Name].Partitions {
			if p.Leader < 0 {
				return false
			}
		}
		parts = md.Topics[a.Name].Partitions
		return true
	})
	cs, err := ad.DescribeConfigs(ctx, []kafka.ConfigResource{{Type: kafka.ResourceTopic, Name: a.Name}})
	check.Must(err, "describe configs")
	rf := map[int]int{}
	for _, p := range parts {
		rf[len(p.Replicas)]++
	}
	check.Print(map[string]interface{}{"partitions": len(parts), "replicationFactors": rf, "retention.ms": cs[0].Config["retention.ms"].Value})
}

// produce sends the records (to their partition, or by the default partitioner when it is < 0)
// and returns them in send order with the partition and offset of their delivery report.
func produce(a check.Args, records []check.Record, extra kafka.ConfigMap) []check.Record {
	cfg := kafka.ConfigMap{"acks": "all", "linger.ms": 5}
	for k, v := range extra {
		cfg[k] = v
	}
	p, err := kafka.NewProducer(conf(a, cfg))
	check.Must(err, "new producer")
	defer p.Close()
	out := append([]check.Record(nil), records...)
	done := make(chan error, 1)
	go func() {
		n := 0
		for e := range p.Events() {
			m, ok := e.(*kafka.Message)
			if !ok {
				continue
			}
			if m.TopicPartition.Error != nil {
				done <- m.TopicPartition.Error
				return
			}
			i := m.Opaque.(int)
			out[i].Partition, out[i].Offset = m.TopicPartition.Partition, int64(m.TopicPartition.Offset)
			if n++; n == len(records) {
				done <- nil
				return
			}
		}
	}()
	for i, r := range records {
		part := r.Partition
		if part < 0 {
			part = kafka.PartitionAny
		}
		m := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &a.Name, Partition: part}, Key: []byte(r.Key), Value: []byte(r.Value), Opaque: i}
		for {
			err := p.Produce(m, nil)
			if err == nil {
				break
			}
			if kerr, ok := err.(kafka.Error); ok && kerr.Code() == kafka.ErrQueueFull {
				p.Flush(100)
				continue
			}
			check.Must(err, "produce")
		}
	}
	select {
	case err := <-done:
		check.Must(err, "delivery")
	case <-time.After(60 * time.Second):
		check.Fail(fmt.Errorf("no delivery report for every record within 60 s"))
	}
	return out
}

// readAll reads every partition from the beginning to its high watermark with assign().
func readAll(a check.Args, extra kafka.ConfigMap) []check.Record {
	cfg := kafka.ConfigMap{"group.id": a.Name + "-reader", "enable.auto.commit": false}
	for k, v := range extra {
		cfg[k] = v
	}
	c, err := kafka.NewConsumer(conf(a, cfg))
	check.Must(err, "new consumer")
	defer c.Close()
	md, err := c.GetMetadata(&a.Name, false, 10000)
	check.Must(err, "metadata")
	var tps []kafka.TopicPartition
	remaining := map[int32]int64{}
	for _, pm := range md.Topics[a.Name].Partitions {
		low, high, err := c.QueryWatermarkOffsets(a.Name, pm.ID, 10000)
		check.Must(err, "watermarks")
		if high > low {
			tps = append(tps, kafka.TopicPartition{Topic: &a.Name, Partition: pm.ID, Offset: kafka.OffsetBeginning})
			remaining[pm.ID] = high
		}
	}
	check.Must(c.Assign(tps), "assign")
	var out []check.Record
	deadline := time.Now().Add(30 * time.Second)
	for len(remaining) > 0 {
		if time.Now().After(deadline) {
			check.Fail(fmt.Errorf("reading %s: partitions left %v", a.Name, remaining))
		}
		m, err := c.ReadMessage(200 * time.Millisecond)
		if err != nil {
			if kerr, ok := err.(kafka.Error); ok && kerr.Code() == kafka.ErrTimedOut {
				continue
			}
			check.Must(err, "read")
		}
		out = append(out, check.Record{Partition: m.TopicPartition.Partition, Offset: int64(m.TopicPartition.Offset), Key: string(m.Key), Value: string(m.Value)})
		if int64(m.TopicPartition.Offset)+1 >= remaining[m.TopicPartition.Partition] {
			delete(remaining, m.TopicPartition.Partition)
		}
	}
	return out
}

// produce-read: <count> keyed records with acks=all and the codec, read back. extra: count codec
func produceRead(a check.Args) {
	n, err := strconv.Atoi(a.Arg(0, "10000"))
	check.Must(err, "count")
	sent := produce(a, check.Keyed(a.Name, n), kafka.ConfigMap{"compression.codec": a.Arg(1, "none")})
	check.Print(map[string]interface{}{"sent": sent, "read": readAll(a, nil)})
}

// idempotent: enable.idempotence (InitProducerId, sequence numbers), read back exactly once.
func idempotent(a check.Args) {
	records := check.Keyed(a.Name, 1000)
	for i := range records {
		records[i].Partition = int32(i % 2)
	}
	sent := produce(a, records, kafka.ConfigMap{"enable.idempotence": true})
	check.Print(map[string]interface{}{"sent": sent, "read": readAll(a, nil)})
}

type member struct {
	mu       sync.Mutex
	consumer *kafka.Consumer
	assigned []int32
	read     []check.Record
	stop     chan struct{}
	done     chan struct{}
}

// startMember subscribes a consumer with a rebalance callback; offsets are auto-committed
// (auto.commit.interval.ms 200, and on close).
func startMember(a check.Args, groupID string) *member {
	c, err := kafka.NewConsumer(conf(a, kafka.ConfigMap{"group.id": groupID, "auto.offset.reset": "earliest", "auto.commit.interval.ms": 200,
		"session.timeout.ms": 10000, "heartbeat.interval.ms": 500, "partition.assignment.strategy": "range"}))
	check.Must(err, "new consumer")
	m := &member{consumer: c, stop: make(chan struct{}), done: make(chan struct{})}
	check.Must(c.SubscribeTopics([]string{a.Name}, func(c *kafka.Consumer, e kafka.Event) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		switch ev := e.(type) {
		case kafka.AssignedPartitions:
			m.assigned = nil
			for _, tp := range ev.Partitions {
				m.assigned = append(m.assigned, tp.Partition)
			}
			sort.Slice(m.assigned, func(i, j int) bool { return m.assigned[i] < m.assigned[j] })
			return c.Assign(ev.Partitions)
		case kafka.RevokedPartitions:
			m.assigned = nil
			return c.Unassign()
		}
		return nil
	}), "subscribe")
	go func() {
		defer close(m.done)
		for {
			select {
			case <-m.stop:
				return
			default:
			}
			msg, err := c.ReadMessage(100 * time.Millisecond)
			if err != nil {
				continue
			}
			m.mu.Lock()
			m.read = append(m.read, check.Record{Partition: msg.TopicPartition.Partition, Offset: int64(msg.TopicPartition.Offset), Key: string(msg.Key), Value: string(msg.Value)})
			m.mu.Unlock()
		}
	}()
	return m
}

func runGroup(a check.Args, groupID string, records []check.Record) map[string]interface{} {
	members := []*member{startMember(a, groupID), startMember(a, groupID), startMember(a, groupID)}
	snapshot := func() []check.Assignment {
		var out []check.Assignment
		for _, m := range members {
			m.mu.Lock()
			out = append(out, check.Assignment{Partitions: append([]int32(nil), m.assigned...)})
			m.mu.Unlock()
		}
		return out
	}
	check.Eventually(60*time.Second, "3 members sharing 6 partitions", func() bool { return check.Split(snapshot(), 6) })
	split := snapshot()
	sent := produce(a, records, nil)
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
		close(m.stop)
		<-m.done
		check.Must(m.consumer.Close(), "close consumer")
		read = append(read, m.read)
	}
	return map[string]interface{}{"split": split, "sent": sent, "read": read}
}

// group: three members on 6 partitions read 600 records (auto commit); after they closed, the
// group's committed offsets (Consumer.Committed); three new members read only the next 600.
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
	c, err := kafka.NewConsumer(conf(a, kafka.ConfigMap{"group.id": groupID}))
	check.Must(err, "new consumer")
	var tps []kafka.TopicPartition
	for p := int32(0); p < 6; p++ {
		tps = append(tps, kafka.TopicPartition{Topic: &a.Name, Partition: p})
	}
	got, err := c.Committed(tps, 10000)
	check.Must(err, "committed")
	c.Close()
	committed := map[int32]int64{}
	for _, tp := range got {
		committed[tp.Partition] = int64(tp.Offset)
	}
	second := runGroup(a, groupID, batch(2))
	check.Print(map[string]interface{}{"first": first, "committed": committed, "second": second})
}

// offsets-by-time: 50 records stamped an hour ago, 50 half an hour ago; Consumer.OffsetsForTimes
// for times between, before and after them, and the watermarks.
func offsetsByTime(a check.Args) {
	now := time.Now()
	early, late := now.Add(-time.Hour), now.Add(-30*time.Minute)
	p, err := kafka.NewProducer(conf(a, kafka.ConfigMap{"acks": "all"}))
	check.Must(err, "new producer")
	delivered := make(chan kafka.Event, 100)
	for i := 0; i < 100; i++ {
		ts := early.Add(time.Duration(i) * time.Millisecond)
		if i >= 50 {
			ts = late.Add(time.Duration(i) * time.Millisecond)
		}
		check.Must(p.Produce(&kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &a.Name, Partition: 0}, Value: []byte(fmt.Sprintf("t%d", i)), Timestamp: ts}, delivered), "produce")
	}
	for i := 0; i < 100; i++ {
		select {
		case e := <-delivered:
			check.Must(e.(*kafka.Message).TopicPartition.Error, "delivery")
		case <-time.After(30 * time.Second):
			check.Fail(fmt.Errorf("%d records not delivered", 100-i))
		}
	}
	p.Close()
	c, err := kafka.NewConsumer(conf(a, kafka.ConfigMap{"group.id": a.Name + "-times"}))
	check.Must(err, "new consumer")
	defer c.Close()
	at := func(t time.Time) int64 {
		ms := t.UnixNano() / int64(time.Millisecond)
		res, err := c.OffsetsForTimes([]kafka.TopicPartition{{Topic: &a.Name, Partition: 0, Offset: kafka.Offset(ms)}}, 10000)
		check.Must(err, "offsets for times")
		return int64(res[0].Offset)
	}
	low, high, err := c.QueryWatermarkOffsets(a.Name, 0, 10000)
	check.Must(err, "watermarks")
	check.Print(map[string]int64{
		"between":   at(now.Add(-45 * time.Minute)),
		"beforeAll": at(now.Add(-2 * time.Hour)),
		"future":    at(now.Add(time.Hour)),
		"latest":    high,
		"earliest":  low,
	})
}

// delete-topic: AdminClient.DeleteTopics; the topic is gone from the cluster's metadata.
func deleteTopic(a check.Args) {
	ad := newAdmin(a)
	defer ad.Close()
	listed := func() bool {
		md, err := ad.GetMetadata(nil, true, 10000)
		check.Must(err, "metadata")
		_, ok := md.Topics[a.Name]
		return ok
	}
	before := listed()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := ad.DeleteTopics(ctx, []string{a.Name}, kafka.SetAdminOperationTimeout(20*time.Second))
	check.Must(err, "delete topics")
	check.Must(errOf(res[0].Error), "delete topic")
	check.Eventually(30*time.Second, "the topic gone", func() bool { return !listed() })
	check.Print(map[string]bool{"before": before, "after": listed()})
}
