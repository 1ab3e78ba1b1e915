// Package check holds what the Go compat programs share: the command line (check name, bootstrap
// servers, topic or prefix, extra arguments), the JSON document each check prints for the
// TypeScript side to assert on, and bounded waiting.
package check

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// Record is one record as written or read: partition, offset, key and value, printed as a JSON
// array [partition, offset, key, value] to keep 10,000-record documents small.
type Record struct {
	Partition int32
	Offset    int64
	Key       string
	Value     string
}

// MarshalJSON prints the record as [partition, offset, key, value].
func (r Record) MarshalJSON() ([]byte, error) {
	return json.Marshal([]interface{}{r.Partition, r.Offset, r.Key, r.Value})
}

// Args is a parsed command line: program <check> <bootstrap> <name> [extra...].
type Args struct {
	Check     string
	Bootstrap []string
	Name      string
	Extra     []string
}

// Parse reads os.Args.
func Parse() Args {
	if len(os.Args) < 4 {
		Fail(fmt.Errorf("usage: %s <check> <bootstrap,...> <topic-or-prefix> [extra...]", os.Args[0]))
	}
	return Args{Check: os.Args[1], Bootstrap: strings.Split(os.Args[2], ","), Name: os.Args[3], Extra: os.Args[4:]}
}

// Arg returns extra argument i, or def when absent.
func (a Args) Arg(i int, def string) string {
	if i < len(a.Extra) {
		return a.Extra[i]
	}
	return def
}

// Print writes the check's result document to stdout.
func Print(v interface{}) {
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(v); err != nil {
		Fail(err)
	}
}

// Fail ends the program with the error on stderr and exit code 1.
func Fail(err error) {
	fmt.Fprintf(os.Stderr, "error: %v\n", err)
	os.Exit(1)
}

// Must fails the program on a non-nil error, naming what was being done.
func Must(err error, what string) {
	if err != nil {
		Fail(fmt.Errorf("%s: %v", what, err))
	}
}

// Eventually polls fn every 100 ms until it answers true, failing after the timeout.
func Eventually(timeout time.Duration, what string, fn func() bool) {
	deadline := time.Now().Add(timeout)
	for !fn() {
		if time.Now().After(deadline) {
			Fail(fmt.Errorf("timed out after %v waiting for %s", timeout, what))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Keyed returns n records with keys spread over 97 distinct values (partition and offset unset).
func Keyed(prefix string, n int) []Record {
	out := make([]Record, n)
	for i := range out {
		out[i] = Record{Partition: -1, Offset: -1, Key: fmt.Sprintf("%s-k%d", prefix, i%97), Value: fmt.Sprintf("%s-v%d-%s", prefix, i, strings.Repeat("x", i%53))}
	}
	return out
}

// Sorted orders records by partition then offset.
func Sorted(rs []Record) []Record {
	out := append([]Record(nil), rs...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Partition != out[j].Partition {
			return out[i].Partition < out[j].Partition
		}
		return out[i].Offset < out[j].Offset
	})
	return out
}

// Assignment is one group member's partitions in one generation.
type Assignment struct {
	Generation int32   `json:"generation"`
	Partitions []int32 `json:"partitions"`
}

// Split tells whether the members' latest assignments are of one generation and share the
// partitions 0..n-1, each owned once and every member owning some.
func Split(members []Assignment, n int) bool {
	seen := map[int32]bool{}
	for _, m := range members {
		if len(m.Partitions) == 0 || m.Generation != members[0].Generation {
			return false
		}
		for _, p := range m.Partitions {
			if seen[p] || p < 0 || int(p) >= n {
				return false
			}
			seen[p] = true
		}
	}
	return len(seen) == n
}
