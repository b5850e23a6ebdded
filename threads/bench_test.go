package threads_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

const (
	benchLatency    = 100 * time.Millisecond
	benchProcessing = 2 * time.Second
)

// benchFloor is the least time any client could need: one round trip to
// create the items, one for the parent, one to publish, the processing time
// and one poll interval to notice it finished.
var benchFloor = 3*benchLatency + benchProcessing + threads.DefaultPollPolicy().Initial

// newBenchEnv starts an emulator on the real clock with 100 ms latency per
// request and 2 s processing for images and videos.
func newBenchEnv(b *testing.B) *threads.Client {
	b.Helper()
	srv := emulator.NewServer(emulator.WithLatency(benchLatency),
		emulator.WithProcessingDelay(benchProcessing, benchProcessing))
	b.Cleanup(srv.Close)
	uid := srv.AddUser(emulator.UserSpec{Username: "bench"})
	tok := srv.IssueToken(uid, emulator.AllScopes, time.Hour)
	return threads.NewClient(threads.WithBaseURL(srv.BaseURL()), threads.WithToken(tok))
}

// mixed20 is a 20-item carousel alternating images and videos.
func mixed20(run int) threads.Post {
	p := threads.Post{Text: fmt.Sprintf("benchmark carousel %d", run)}
	for i := range 20 {
		if i%2 == 0 {
			p.Items = append(p.Items, threads.CarouselItem{ImageURL: fmt.Sprintf("https://cdn.example.com/%d/%d.jpg", run, i)})
		} else {
			p.Items = append(p.Items, threads.CarouselItem{VideoURL: fmt.Sprintf("https://cdn.example.com/%d/%d.mp4", run, i)})
		}
	}
	return p
}

type publishFunc func(context.Context, threads.Post) (*threads.PublishResult, error)

// timeCarousel publishes b.N carousels with publish and returns the mean wall time.
func timeCarousel(b *testing.B, publish publishFunc) time.Duration {
	b.Helper()
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := publish(b.Context(), mixed20(i)); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
	}
	return total / time.Duration(b.N)
}

func reportAgainstFloor(b *testing.B, wall time.Duration) {
	b.ReportMetric(wall.Seconds(), "wall_s")
	b.ReportMetric(benchFloor.Seconds(), "floor_s")
	b.ReportMetric(wall.Seconds()/benchFloor.Seconds(), "x_floor")
}

// BenchmarkCarousel20Concurrent publishes a 20-item mixed carousel with the
// client's concurrent flow (items created 5 at a time and awaited
// concurrently) against 100 ms latency and 2 s processing. x_floor must stay
// within 1.5.
func BenchmarkCarousel20Concurrent(b *testing.B) {
	c := newBenchEnv(b)
	wall := timeCarousel(b, c.PublishCarousel)
	reportAgainstFloor(b, wall)
	if ratio := wall.Seconds() / benchFloor.Seconds(); ratio > 1.5 {
		b.Errorf("concurrent carousel took %v, %.2fx the floor %v (limit 1.5x)", wall, ratio, benchFloor)
	}
}

// BenchmarkCarousel20Serial does the same the serial way (one item after
// another, each polled until FINISHED) and, to put the ratio in one run, also
// times one concurrent publish and reports speedup = serial / concurrent.
func BenchmarkCarousel20Serial(b *testing.B) {
	c := newBenchEnv(b)
	wall := timeCarousel(b, c.PublishCarouselSerial)
	reportAgainstFloor(b, wall)
	start := time.Now()
	if _, err := c.PublishCarousel(b.Context(), mixed20(1_000_000)); err != nil {
		b.Fatal(err)
	}
	conc := time.Since(start)
	b.ReportMetric(conc.Seconds(), "concurrent_s")
	b.ReportMetric(wall.Seconds()/conc.Seconds(), "speedup")
}
