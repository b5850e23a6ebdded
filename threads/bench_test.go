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
// client's flow (items created together and polled as a group, the parent
// published without a status check) against 100 ms latency and 2 s
// processing. x_floor must stay within 1.10.
func BenchmarkCarousel20Concurrent(b *testing.B) {
	c := newBenchEnv(b)
	wall := timeCarousel(b, c.PublishCarousel)
	reportAgainstFloor(b, wall)
	if ratio := wall.Seconds() / benchFloor.Seconds(); ratio > 1.10 {
		b.Errorf("concurrent carousel took %v, %.2fx the floor %v (limit 1.10x)", wall, ratio, benchFloor)
	}
}

// BenchmarkCarousel20Serial does the same the naive way, with the public
// API (one item after another, each polled until FINISHED, then the parent,
// polled too) and, to put the ratio in one run, also times one publish
// with the client's flow and reports speedup = serial / flow.
func BenchmarkCarousel20Serial(b *testing.B) {
	c := newBenchEnv(b)
	wall := timeCarousel(b, func(ctx context.Context, p threads.Post) (*threads.PublishResult, error) {
		return publishSerially(ctx, c, p)
	})
	reportAgainstFloor(b, wall)
	start := time.Now()
	if _, err := c.PublishCarousel(b.Context(), mixed20(1_000_000)); err != nil {
		b.Fatal(err)
	}
	conc := time.Since(start)
	b.ReportMetric(conc.Seconds(), "concurrent_s")
	b.ReportMetric(wall.Seconds()/conc.Seconds(), "speedup")
}

// publishSerially is the naive carousel flow: create and await each item in
// turn, then create, await and publish the parent, and read it back.
func publishSerially(ctx context.Context, c *threads.Client, p threads.Post) (*threads.PublishResult, error) {
	var ids []string
	for _, it := range p.Items {
		params := threads.ContainerParams{MediaType: threads.MediaTypeImage, ImageURL: it.ImageURL, IsCarouselItem: true}
		if it.VideoURL != "" {
			params = threads.ContainerParams{MediaType: threads.MediaTypeVideo, VideoURL: it.VideoURL, IsCarouselItem: true}
		}
		ct, _, err := c.CreateContainer(ctx, params)
		if err != nil {
			return nil, err
		}
		if _, err := c.WaitForContainer(ctx, ct.ID, 0); err != nil {
			return nil, err
		}
		ids = append(ids, ct.ID)
	}
	parent, _, err := c.CreateContainer(ctx, threads.ContainerParams{MediaType: threads.MediaTypeCarousel, Text: p.Text, Children: ids})
	if err != nil {
		return nil, err
	}
	if _, err := c.WaitForContainer(ctx, parent.ID, 0); err != nil {
		return nil, err
	}
	id, _, err := c.Publish(ctx, parent.ID)
	if err != nil {
		return nil, err
	}
	m, _, err := c.GetMedia(ctx, id, "id", "permalink", "timestamp")
	if err != nil {
		return nil, err
	}
	return &threads.PublishResult{ID: id, Permalink: m.Permalink, ContainerID: parent.ID, ItemIDs: ids}, nil
}
