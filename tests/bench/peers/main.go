// Command lanes-peers runs workloads 1-7 of tests/bench/lanes-bench in Go,
// with the same sizes, the same timing points and the same output format,
// so that the two columns of the Performance table measure the same thing.
//
// Each row is timed inside the goroutines (first start to last finish),
// never including process start-up; GOMAXPROCS is set per row (the /N in a
// row's name).  Output: one row per workload, "name unit median min max runs".
//
//	go build -o lanes-peers main.go && ./lanes-peers --runs 7 --procs 1,2
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/trace"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Sizes: identical to lanes-bench.c (scaled by --scale).
const (
	nSwitch    = 2000000 // yields per routine
	nPingPong  = 500000  // round trips
	nBuffered  = 5000000 // messages
	nSelect    = 2000000 // messages, all producers together
	nSpawn     = 500000  // routines spawned
	spawnGap   = 100     // the spawner yields after this many spawns
	nParked    = 100000  // routines parked for the RSS row (never scaled)
	cpuWorkers = 8
	cpuChunks  = 200   // chunks of hashing per worker, a yield after each
	cpuIters   = 20000 // mixing rounds per chunk
)

var (
	runs   = flag.Int("runs", 7, "repetitions per row")
	scale  = flag.Float64("scale", 1, "multiply the operation counts (not the 100k parked)")
	only   = flag.String("only", "", "comma list of rows or workloads (pingpong, pingpong/2)")
	procs  = flag.String("procs", "1,2", "GOMAXPROCS values for rows that have a /N")
	list   = flag.Bool("list", false, "list the rows and exit")
	header = flag.Bool("header", true, "print the # header lines")
)

type row struct {
	workload string // name before the slash, what --only selects
	procs    int    // GOMAXPROCS for the row; 0: the row sets it itself
	unit     string
	what     string
	run      func(p int) float64
}

func scaled(n int) int {
	v := int(float64(n) * *scale)
	if v < 1 {
		v = 1
	}
	return v
}

// Every timed workload has the same shape in both programs: a driver
// routine takes the start time, spawns the workers, waits for them through
// a channel and takes the end time, so neither figure counts process or
// runtime start-up, nor the wake-up of a sleeping main thread.

// ---- 1. context switch --------------------------------------------------------

func benchSwitch(p int) float64 {
	n := scaled(nSwitch)
	return drive(func(done chan int) int {
		for i := 0; i < 2; i++ {
			go func() {
				for j := 0; j < n; j++ {
					runtime.Gosched()
				}
				done <- 1
			}()
		}
		<-done
		<-done
		return 2 * n
	})
}

// drive runs body in a driver goroutine and returns ns per operation
// (body returns the number of operations).
func drive(body func(done chan int) int) float64 {
	res := make(chan float64)
	go func() {
		done := make(chan int, 16)
		t0 := time.Now()
		ops := body(done)
		res <- float64(time.Since(t0).Nanoseconds()) / float64(ops)
	}()
	return <-res
}

// ---- 2. unbuffered ping-pong ------------------------------------------------

func benchPingPong(p int) float64 {
	n := scaled(nPingPong)
	return drive(func(done chan int) int {
		ping := make(chan int)
		pong := make(chan int)
		go func() {
			for i := 0; i < n; i++ {
				pong <- <-ping
			}
		}()
		for i := 0; i < n; i++ {
			ping <- i
			<-pong
		}
		return n
	})
}

// ---- 3. buffered, capacity 128, one producer one consumer -------------------

func benchBuffered(p int) float64 {
	n := scaled(nBuffered)
	return 1e3 / drive(func(done chan int) int {
		ch := make(chan int, 128)
		go func() {
			for i := 0; i < n; i++ {
				ch <- i
			}
		}()
		sum := 0
		for i := 0; i < n; i++ {
			sum += <-ch
		}
		atomic.AddInt64(&sink, int64(sum))
		return n
	})
}

var sink int64

// ---- 4. select fan-in --------------------------------------------------------

func benchSelect(p int) float64 {
	n := scaled(nSelect) / 4 * 4
	return 1e3 / drive(func(done chan int) int {
		var cs [4]chan int
		for i := range cs {
			cs[i] = make(chan int)
			go func(c chan int) {
				for j := 0; j < n/4; j++ {
					c <- j
				}
			}(cs[i])
		}
		sum := 0
		for i := 0; i < n; i++ {
			select {
			case v := <-cs[0]:
				sum += v
			case v := <-cs[1]:
				sum += v
			case v := <-cs[2]:
				sum += v
			case v := <-cs[3]:
				sum += v
			}
		}
		atomic.AddInt64(&sink, int64(sum))
		return n
	})
}

// ---- 5. spawn + exit ---------------------------------------------------------

func benchSpawn(p int) float64 {
	n := scaled(nSpawn)
	return drive(func(done chan int) int {
		var exited int64
		for i := 0; i < n; i++ {
			go func() {
				if atomic.AddInt64(&exited, 1) == int64(n) {
					done <- 1
				}
			}()
			if i%spawnGap == spawnGap-1 {
				runtime.Gosched()
			}
		}
		<-done
		return n
	})
}

// ---- 6. RSS per parked routine -----------------------------------------------

func vmRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, "VmRSS:") {
			fields := strings.Fields(line[6:])
			kb, _ := strconv.ParseInt(fields[0], 10, 64)
			return kb * 1024
		}
	}
	return -1
}

func benchParked(p int) float64 {
	runtime.GC()
	debug.FreeOSMemory()
	before := vmRSS()
	ch := make(chan int)
	var parked int64
	var wg sync.WaitGroup
	wg.Add(nParked)
	for i := 0; i < nParked; i++ {
		go func() {
			atomic.AddInt64(&parked, 1)
			<-ch
			wg.Done()
		}()
	}
	for atomic.LoadInt64(&parked) < nParked {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(5 * time.Millisecond) // the last ones reach <-ch
	after := vmRSS()
	close(ch)
	wg.Wait()
	return float64(after-before) / nParked
}

// ---- 7. CPU-bound speedup ----------------------------------------------------

// hashChunk is the fixed work unit: a dependent chain of 64-bit mixing
// rounds (the splitmix64 finaliser), identical in lanes-bench.c.
func hashChunk(x uint64) uint64 {
	for i := 0; i < cpuIters; i++ {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		x = z ^ (z >> 31)
	}
	return x
}

func cpuWall(p int) float64 {
	runtime.GOMAXPROCS(p)
	chunks := scaled(cpuChunks)
	return drive(func(done chan int) int {
		for w := 0; w < cpuWorkers; w++ {
			go func(seed uint64) {
				x := seed
				for c := 0; c < chunks; c++ {
					x = hashChunk(x)
					runtime.Gosched()
				}
				atomic.AddInt64(&sink, int64(x))
				done <- 1
			}(uint64(w))
		}
		for w := 0; w < cpuWorkers; w++ {
			<-done
		}
		return 1
	})
}

// benchSpeedup pairs one 1-proc run with one 2-proc run; the row is the
// median of the pairs' ratios, which cancels slow drifts of the machine.
func benchSpeedup(p int) float64 {
	t1 := cpuWall(1)
	t2 := cpuWall(2)
	return t1 / t2
}

// ---- 8. tracing overhead -------------------------------------------------------

// tracePair runs a workload with the execution tracer off, then on (its
// output thrown away, as lanes-bench's consumer throws its events away),
// and returns the ratio of the times: the same pairing as lanes-bench.
func tracePair(run func(p int) float64, p int, rate bool) float64 {
	off := run(p)
	if err := trace.Start(io.Discard); err != nil {
		fmt.Fprintln(os.Stderr, "lanes-peers: trace.Start:", err)
		os.Exit(1)
	}
	on := run(p)
	trace.Stop()
	if rate {
		return off / on
	}
	return on / off
}

func cpuWallP(p int) float64 { return cpuWall(p) }

// ---- the table -----------------------------------------------------------------

func rows() []row {
	var r []row
	for _, p := range []int{1} {
		r = append(r, row{"switch", p, "ns", "yield between two routines", benchSwitch})
	}
	for _, p := range []int{1, 2} {
		r = append(r, row{"pingpong", p, "ns", "unbuffered round trip", benchPingPong})
	}
	for _, p := range []int{1, 2} {
		r = append(r, row{"buffered", p, "M/s", "cap 128, 1 producer 1 consumer", benchBuffered})
	}
	for _, p := range []int{1, 2} {
		r = append(r, row{"select", p, "M/s", "4 producers, select over 4 unbuffered", benchSelect})
	}
	for _, p := range []int{1, 2} {
		r = append(r, row{"spawn", p, "ns", "spawn + exit of an empty routine", benchSpawn})
	}
	r = append(r, row{"rss-parked", 1, "B", "RSS per routine, 100k parked on a channel", benchParked})
	r = append(r, row{"cpu-speedup", 0, "x", "8 routines hashing: wall 1 proc / wall 2 procs", benchSpeedup})
	for _, p := range []int{1, 2} {
		r = append(r, row{"trace-pingpong", p, "x", "ping-pong time, runtime/trace on / off",
			func(p int) float64 { return tracePair(benchPingPong, p, false) }})
	}
	for _, p := range []int{1, 2} {
		r = append(r, row{"trace-buffered", p, "x", "buffered time, runtime/trace on / off",
			func(p int) float64 { return tracePair(benchBuffered, p, true) }})
	}
	r = append(r, row{"trace-cpu", 2, "x", "CPU-bound (8 hashers) time, runtime/trace on / off",
		func(p int) float64 { return tracePair(cpuWallP, p, false) }})
	return r
}

func (r row) name() string {
	switch {
	case r.workload == "cpu-speedup":
		return "cpu-speedup/2v1"
	default:
		return fmt.Sprintf("%s/%d", r.workload, r.procs)
	}
}

func selected(r row, onlySet map[string]bool, procSet map[int]bool) bool {
	if r.procs != 0 && !procSet[r.procs] {
		return false
	}
	if len(onlySet) == 0 {
		return true
	}
	return onlySet[r.workload] || onlySet[r.name()]
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func num(v float64) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}

func main() {
	flag.Parse()
	onlySet := map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			onlySet[s] = true
		}
	}
	procSet := map[int]bool{}
	for _, s := range strings.Split(*procs, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n > 0 {
			procSet[n] = true
		}
	}
	if *list {
		for _, r := range rows() {
			if !selected(r, onlySet, procSet) {
				continue
			}
			fmt.Printf("%-18s %-6s %s\n", r.name(), r.unit, r.what)
		}
		return
	}
	if *runs < 1 {
		fmt.Fprintln(os.Stderr, "lanes-peers: --runs must be at least 1")
		os.Exit(2)
	}
	if *header {
		host, _ := os.Hostname()
		fmt.Printf("# lanes-peers %s %s/%s, %d CPUs, host %s, runs %d, scale %g\n",
			runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), host, *runs, *scale)
		fmt.Printf("# %-18s %-6s %12s %12s %12s %5s\n", "workload", "unit", "median", "min", "max", "runs")
	}
	for _, r := range rows() {
		if !selected(r, onlySet, procSet) {
			continue
		}
		if r.procs > 0 {
			runtime.GOMAXPROCS(r.procs)
		}
		runtime.GC()
		v := make([]float64, 0, *runs)
		for i := 0; i < *runs; i++ {
			v = append(v, r.run(r.procs))
		}
		lo, hi := v[0], v[0]
		for _, x := range v {
			if x < lo {
				lo = x
			}
			if x > hi {
				hi = x
			}
		}
		fmt.Printf("  %-18s %-6s %12s %12s %12s %5d\n", r.name(), r.unit, num(median(v)), num(lo), num(hi), len(v))
	}
}
