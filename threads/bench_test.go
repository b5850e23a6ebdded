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
func newBenchEnv(b *testing.B) (*threads.Client, *emulator.Server) {
	b.Helper()
	srv := emulator.NewServer(emulator.WithLatency(benchLatency),
		emulator.WithProcessingDelay(benchProcessing, benchProcessing))
	b.Cleanup(srv.Close)
	uid := srv.AddUser(emulator.UserSpec{Username: "bench"})
	tok := srv.IssueToken(uid, emulator.AllScopes, time.Hour)
	return threads.NewClient(threads.WithBaseURL(srv.BaseURL()), threads.WithToken(tok)), srv
}

// reportRequests reports the status checks and all requests per publish.
func reportRequests(b *testing.B, srv *emulator.Server, publishes int) {
	n := countRequests(srv.Requests())
	b.ReportMetric(float64(n.Status)/float64(publishes), "status_calls/op")
	b.ReportMetric(float64(n.total())/float64(publishes), "requests/op")
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
	c, srv := newBenchEnv(b)
	wall := timeCarousel(b, c.PublishCarousel)
	reportAgainstFloor(b, wall)
	reportRequests(b, srv, b.N)
	if ratio := wall.Seconds() / benchFloor.Seconds(); ratio > 1.10 {
		b.Errorf("concurrent carousel took %v, %.2fx the floor %v (limit 1.10x)", wall, ratio, benchFloor)
	}
}

// BenchmarkCarousel20Serial does the same the naive way, with the public
// API (one item after another, each polled until FINISHED, then the parent,
// polled too) and, to put the ratio in one run, also times one publish
// with the client's flow and reports speedup = serial / flow.
func BenchmarkCarousel20Serial(b *testing.B) {
	c, srv := newBenchEnv(b)
	wall := timeCarousel(b, func(ctx context.Context, p threads.Post) (*threads.PublishResult, error) {
		return publishSerially(ctx, c, p)
	})
	reportAgainstFloor(b, wall)
	reportRequests(b, srv, b.N)
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

// BenchmarkPollingBudget publishes on a virtual clock (the client's sleeps
// advance the emulator's time at once) and reports, per case, the status
// checks, all requests and the virtual wall time from first request to
// publish. TestPollingBudget asserts the budgets.
func BenchmarkPollingBudget(b *testing.B) {
	cases := []struct {
		name       string
		post       threads.Post
		processing time.Duration
	}{
		{"image_2s", threads.Post{ImageURL: "https://cdn.example.com/p.jpg"}, 2 * time.Second},
		{"video_30s", threads.Post{VideoURL: "https://cdn.example.com/p.mp4"}, 30 * time.Second},
		{"video_5min", threads.Post{VideoURL: "https://cdn.example.com/p.mp4"}, 5 * time.Minute},
		{"carousel_20_images_2s", threads.Post{Items: images(20, "jpg")}, 2 * time.Second},
		{"carousel_20_videos_30s", threads.Post{Items: images(20, "mp4")}, 30 * time.Second},
		{"carousel_20_mixed_2s", mixed20(0), 2 * time.Second},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var status, total int
			var virtual time.Duration
			for b.Loop() {
				clk := emulator.NewManualClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
				srv := emulator.NewServer(emulator.WithClock(clk), emulator.WithProcessingDelay(tc.processing, tc.processing))
				uid := srv.AddUser(emulator.UserSpec{Username: "bench"})
				c := threads.NewClient(threads.WithBaseURL(srv.BaseURL()), threads.WithClock(virtualClock{clk}),
					threads.WithToken(srv.IssueToken(uid, emulator.AllScopes, time.Hour)))
				start := clk.Now()
				if _, err := c.PublishPost(b.Context(), tc.post); err != nil {
					b.Fatal(err)
				}
				virtual += clk.Now().Sub(start)
				n := countRequests(srv.Requests())
				status += n.Status
				total += n.total()
				srv.Close()
			}
			b.ReportMetric(float64(status)/float64(b.N), "status_calls/op")
			b.ReportMetric(float64(total)/float64(b.N), "requests/op")
			b.ReportMetric(virtual.Seconds()/float64(b.N), "virtual_s/op")
		})
	}
}
