package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// insightWorkers bounds the insights requests get_top_posts has in flight:
// enough to answer a week of posts in a few round trips, few enough not to
// burst against Meta's per-user call budget.
const insightWorkers = 4

// getTopPosts is the get_top_posts tool, "what worked": the account's own
// posts of a window ranked by one metric. It lists the window's posts
// (GET /me/threads, pages of 100, at most max_posts, newest first), then
// reads each post's lifetime insights, insightWorkers at a time and cached
// for insightTTL, so it makes at most ceil(max_posts/100) + max_posts
// requests, and fewer when asked again.
func getTopPosts() Tool {
	return newTool[schemas.GetTopPostsArgs](def{
		name:  "get_top_posts",
		title: "Rank the account's posts (what worked)",
		description: "Rank the account's posts of since/until by metric, with the window's totals (one insights " +
			"request per post, the newest max_posts, cached 5 minutes).",
		toolset: ToolsetRead,
		scopes:  []string{scopeBasic},
		needs:   []string{scopeManageInsights},
		hints:   readOnly(),
	}, func(ctx context.Context, c *call, a *schemas.GetTopPostsArgs) (*schemas.GetTopPostsResult, error) {
		since, until, err := window(a.WindowArg)
		if err != nil {
			return nil, err
		}
		if until.IsZero() {
			until = time.Now()
		}
		out := &schemas.GetTopPostsResult{Since: rfc3339(since), Until: rfc3339(until), Metric: a.Metric, Posts: []schemas.TopPost{}}
		var posts []threads.Media
		o := threads.ListOptions{Fields: []string{"id", "permalink", "media_type", "text", "timestamp", "topic_tag"},
			Limit: min(schemas.MaxListLimit, a.MaxPosts), Since: since, Until: until}
		for {
			ml, _, err := c.acct.API.ListThreads(ctx, o)
			out.APICalls++
			if err != nil {
				return nil, err
			}
			posts = append(posts, ml.Data...)
			if len(posts) >= a.MaxPosts {
				out.Truncated = len(posts) > a.MaxPosts || ml.Paging.Next != ""
				posts = posts[:a.MaxPosts]
				break
			}
			if ml.Paging.Next == "" || ml.Paging.Cursors.After == "" || len(ml.Data) == 0 {
				break
			}
			o.After = ml.Paging.Cursors.After
		}
		ranked, calls, skipped, err := c.postMetrics(ctx, posts)
		out.APICalls += calls
		if err != nil {
			return nil, err
		}
		out.Considered = len(ranked)
		out.Skipped = skipped
		for _, r := range ranked {
			addMetrics(&out.Totals, r.metrics)
		}
		finishMetrics(&out.Totals)
		slices.SortStableFunc(ranked, func(x, y rankedPost) int {
			if d := compareFloat(metricValue(y.metrics, a.Metric), metricValue(x.metrics, a.Metric)); d != 0 {
				return d
			}
			if d := compareFloat(float64(y.metrics.Views), float64(x.metrics.Views)); d != 0 {
				return d
			}
			return y.post.Timestamp.Compare(x.post.Timestamp.Time)
		})
		for i, r := range ranked[:min(a.Limit, len(ranked))] {
			text, cut := preview(r.post.Text)
			out.Posts = append(out.Posts, schemas.TopPost{Rank: i + 1, ID: r.post.ID, Permalink: r.post.Permalink,
				MediaType: string(r.post.MediaType), Text: text, Truncated: cut, Timestamp: rfc3339(r.post.Timestamp.Time),
				TopicTag: r.post.TopicTag, Metrics: r.metrics})
		}
		out.Summary = topSummary(out, a)
		return out, nil
	})
}

type rankedPost struct {
	post    threads.Media
	metrics schemas.PostMetrics
}

// postMetrics reads the insights of posts (reposts skipped), insightWorkers
// at a time, through the cache. A post whose insights Threads will not give
// (deleted meanwhile, not found) is skipped; any other failure, such as a
// missing permission or a rate limit, fails the whole call.
func (c *call) postMetrics(ctx context.Context, posts []threads.Media) ([]rankedPost, int, int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		out      []rankedPost
		calls    int
		skipped  int
		firstErr error
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, insightWorkers)
	for _, p := range posts {
		if p.MediaType == threads.MediaTypeRepostFacade {
			mu.Lock() // the workers count skipped posts too
			skipped++
			mu.Unlock()
			continue
		}
		key := c.acctKey() + "\x00" + p.ID
		if ins, ok := c.insights.get(key); ok {
			mu.Lock()
			out = append(out, rankedPost{post: p, metrics: metricsOf(ins)})
			mu.Unlock()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			ins, _, err := c.acct.API.MediaInsights(ctx, p.ID, schemas.MediaMetrics()...)
			mu.Lock()
			defer mu.Unlock()
			calls++
			var ae *threads.APIError
			switch {
			case err == nil:
				c.insights.put(key, ins)
				out = append(out, rankedPost{post: p, metrics: metricsOf(ins)})
			case errors.As(err, &ae) && ae.Kind() == threads.KindNotFound:
				skipped++
			default:
				if firstErr == nil {
					firstErr = err
					cancel()
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, calls, skipped, firstErr
	}
	return out, calls, skipped, nil
}

// metricsOf reads a post's metrics from its insights.
func metricsOf(ins []threads.Insight) schemas.PostMetrics {
	var m schemas.PostMetrics
	for _, metric := range convertInsights(ins) {
		if metric.Total == nil {
			continue
		}
		v := *metric.Total
		switch metric.Name {
		case "views":
			m.Views = v
		case "likes":
			m.Likes = v
		case "replies":
			m.Replies = v
		case "reposts":
			m.Reposts = v
		case "quotes":
			m.Quotes = v
		case "shares":
			m.Shares = v
		}
	}
	finishMetrics(&m)
	return m
}

// finishMetrics computes interactions (schemas.InteractionMetrics) and the
// engagement rate.
func finishMetrics(m *schemas.PostMetrics) {
	m.Interactions = m.Likes + m.Replies + m.Reposts + m.Quotes + m.Shares
	m.EngagementRate = 0
	if m.Views > 0 {
		m.EngagementRate = float64(m.Interactions) / float64(m.Views)
	}
}

func addMetrics(sum *schemas.PostMetrics, m schemas.PostMetrics) {
	sum.Views += m.Views
	sum.Likes += m.Likes
	sum.Replies += m.Replies
	sum.Reposts += m.Reposts
	sum.Quotes += m.Quotes
	sum.Shares += m.Shares
}

// metricValue is the ranking value of metric.
func metricValue(m schemas.PostMetrics, metric string) float64 {
	switch metric {
	case "likes":
		return float64(m.Likes)
	case "replies":
		return float64(m.Replies)
	case "reposts":
		return float64(m.Reposts)
	case "quotes":
		return float64(m.Quotes)
	case "shares":
		return float64(m.Shares)
	case schemas.EngagementRate:
		return m.EngagementRate
	}
	return float64(m.Views)
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// topSummary states what was ranked and the winner.
func topSummary(out *schemas.GetTopPostsResult, a *schemas.GetTopPostsArgs) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Considered %d of the account's posts published from %s to %s", out.Considered, out.Since, out.Until)
	if out.Truncated {
		fmt.Fprintf(&b, " (only the newest %d: the window holds more; raise max_posts or narrow the window)", a.MaxPosts)
	}
	if out.Skipped > 0 {
		fmt.Fprintf(&b, "; %d skipped (reposts, or posts without readable metrics)", out.Skipped)
	}
	fmt.Fprintf(&b, "; ranked by %s", a.Metric)
	if len(out.Posts) == 0 {
		b.WriteString(". No posts to rank in this window: widen since/until.")
		return b.String()
	}
	top := out.Posts[0]
	v := metricValue(top.Metrics, a.Metric)
	val := fmt.Sprintf("%.0f %s", v, a.Metric)
	if a.Metric == schemas.EngagementRate {
		val = fmt.Sprintf("an engagement rate of %.1f%%", v*100)
	}
	fmt.Fprintf(&b, ". Best: %s (%s) with %s; the window totals %d views and %d interactions.",
		top.ID, quote(firstWords(top.Text, 60)), val, out.Totals.Views, out.Totals.Interactions)
	return b.String()
}

// firstWords cuts s to about n characters.
func firstWords(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n])) + "…"
}
