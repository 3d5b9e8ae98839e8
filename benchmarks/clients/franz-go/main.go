// The franz-go driver of the side-by-side benchmark (benchmarks/clients/franz-go.js builds and
// runs it; the settings and why are in that file's header). It takes the same workload as the Node
// drivers, one JSON argument, and prints the same one JSON line:
// {records, seconds, recordsPerSec, cpuSeconds, peakRssBytes}.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// workload is what bench.js passes (benchmarks/clients/common.js: workload()). acks "all" means
// idempotence on, acks "1" idempotence off.
type workload struct {
	Bootstrap  string   `json:"bootstrap"`
	Topic      string   `json:"topic"`
	Records    int      `json:"records"`
	RecordSize int      `json:"recordSize"`
	Acks       string   `json:"acks"`
	Keyed      bool     `json:"keyed"`
	Rate       *float64 `json:"rate"`
}

type result struct {
	Records       int64   `json:"records"`
	Seconds       float64 `json:"seconds"`
	RecordsPerSec int64   `json:"recordsPerSec"`
	CPUSeconds    float64 `json:"cpuSeconds"`
	PeakRSSBytes  int64   `json:"peakRssBytes"`
}

// keyCount is common.js's KEY_COUNT: keys key-0 … key-999, round-robin.
const keyCount = 1000

// Outcomes, written by the promise (franz-go calls promises serially, on its own goroutine) and
// read once Flush has returned (it returns after every buffered record's promise has run).
var (
	acked    atomic.Int64
	failed   atomic.Int64
	firstErr atomic.Pointer[error]
)

// promise is the one callback every record shares: no closure allocated per record.
func promise(_ *kgo.Record, err error) {
	if err == nil {
		acked.Add(1)
		return
	}
	failed.Add(1)
	firstErr.CompareAndSwap(nil, &err)
}

func parseWorkload() (workload, error) {
	var w workload
	if len(os.Args) != 2 {
		return w, fmt.Errorf("usage: franz-go-bench '<workload JSON>'")
	}
	if err := json.Unmarshal([]byte(os.Args[1]), &w); err != nil {
		return w, fmt.Errorf("workload: %w", err)
	}
	if w.Bootstrap == "" || w.Topic == "" || w.Records <= 0 || w.RecordSize <= 0 || (w.Acks != "1" && w.Acks != "all") {
		return w, fmt.Errorf("workload: needs bootstrap, topic, records, recordSize and acks 1 or all, got %s", os.Args[1])
	}
	if w.Rate != nil {
		return w, fmt.Errorf("franz-go: no latency mode (the paced mode is the Node drivers')")
	}
	return w, nil
}

// options are the client's settings for workload w; the harness's rule for each is in franz-go.js.
func options(w workload) []kgo.Opt {
	opts := []kgo.Opt{
		kgo.SeedBrokers(strings.Split(w.Bootstrap, ",")...),
		kgo.ClientID("bench-franz-go"),
		kgo.DefaultProduceTopic(w.Topic),
		kgo.ProducerLinger(5 * time.Millisecond),
		kgo.ProducerBatchMaxBytes(256 << 10),
		// franz-go compresses with snappy by default; the harness compares uncompressed batches.
		kgo.ProducerBatchCompression(kgo.NoCompression()),
	}
	if w.Acks == "all" {
		// Idempotent (franz-go's default): 5 requests in flight per broker, fixed (setting the
		// number is refused with idempotence on).
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	} else {
		// Without idempotence franz-go keeps 1 request in flight per broker unless told; 5 as the others.
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite(), kgo.MaxProduceRequestsInflightPerBroker(5))
	}
	return opts
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// peakRSSBytes is the kernel's high-water mark of this process (ru_maxrss, in KiB on Linux; the
// same figure as /proc's VmHWM that the Node drivers read).
func peakRSSBytes() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024
}

func run() error {
	w, err := parseWorkload()
	if err != nil {
		return err
	}
	// One value shared by every record, A-Z repeated as common.js's payloads(); the keys prebuilt.
	value := make([]byte, w.RecordSize)
	for i := range value {
		value[i] = byte('A' + i%26)
	}
	keys := make([][]byte, keyCount)
	for i := range keys {
		keys[i] = []byte("key-" + strconv.Itoa(i))
	}
	cl, err := kgo.NewClient(options(w)...)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx := context.Background()

	// The clock: from just before the first Produce (which loads the topic's metadata, the bootstrap
	// inside the timing as for the Java producer) to Flush's return, after the last promise.
	startCPU := cpuSeconds()
	start := time.Now()
	for i := 0; i < w.Records; i++ {
		// A Record per call: franz-go owns it until its promise has run.
		r := &kgo.Record{Value: value}
		if w.Keyed {
			r.Key = keys[i%keyCount]
		}
		cl.Produce(ctx, r, promise)
	}
	if err := cl.Flush(ctx); err != nil {
		return err
	}
	seconds := time.Since(start).Seconds()
	cpu := cpuSeconds() - startCPU

	n := acked.Load()
	line, _ := json.Marshal(result{
		Records:       n,
		Seconds:       seconds,
		RecordsPerSec: int64(float64(n)/seconds + 0.5),
		CPUSeconds:    cpu,
		PeakRSSBytes:  peakRSSBytes(),
	})
	fmt.Println(string(line))
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("%d records failed, the first with: %v", f, *firstErr.Load())
	}
	if n != int64(w.Records) {
		return fmt.Errorf("%d records acked, not %d", n, w.Records)
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "franz-go:", err)
		os.Exit(1)
	}
}
