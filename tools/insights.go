package tools

import (
	"context"
	"slices"
	"strings"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// getInsights is the get_insights tool: a post's metrics, or the account's
// over a time window, with follower demographics by breakdown.
func getInsights() Tool {
	return newTool[schemas.GetInsightsArgs](def{
		name:  "get_insights",
		title: "Get insights",
		description: "Read a post's metrics (post_id) or the account's over since/until (default the last 2 days; " +
			"views as a daily series).",
		toolset: ToolsetRead,
		scopes:  []string{scopeBasic, "threads_manage_insights"},
		hints:   readOnly(),
	}, func(ctx context.Context, c *call, a *schemas.GetInsightsArgs) (*schemas.InsightsResult, error) {
		acct := c.acct
		var err error
		if a.PostID != "" {
			// a.Metrics is never empty: GetInsightsArgs.Defaults filled it.
			ins, _, err := acct.API.MediaInsights(ctx, a.PostID, a.Metrics...)
			if err != nil {
				return nil, err
			}
			return &schemas.InsightsResult{
				Scope: "post", PostID: a.PostID, Metrics: convertInsights(ins),
			}, nil
		}
		metrics := a.Metrics
		opts := threads.UserInsightsOptions{}
		if a.Since != "" {
			if opts.Since, err = schemas.ParseTime(a.Since); err != nil {
				return nil, err
			}
		}
		if a.Until != "" {
			if opts.Until, err = schemas.ParseTime(a.Until); err != nil {
				return nil, err
			}
		}
		// follower_demographics takes a breakdown the other metrics refuse, so it
		// is asked for on its own.
		var out []schemas.Metric
		rest := slices.DeleteFunc(slices.Clone(metrics), func(m string) bool { return m == "follower_demographics" })
		if len(rest) > 0 {
			o := opts
			o.Metrics = rest
			ins, _, err := acct.API.UserInsights(ctx, o)
			if err != nil {
				return nil, err
			}
			out = append(out, convertInsights(ins)...)
		}
		if len(rest) < len(metrics) {
			ins, _, err := acct.API.UserInsights(ctx, threads.UserInsightsOptions{
				Metrics: []string{"follower_demographics"}, Breakdown: a.Breakdown,
			})
			if err != nil {
				return nil, err
			}
			out = append(out, convertInsights(ins)...)
		}
		return &schemas.InsightsResult{
			Scope: "account", Since: a.Since, Until: a.Until, Metrics: out,
		}, nil
	})
}

// convertInsights flattens Threads' three insight shapes (values, total_value
// with breakdowns, link_total_values) into metrics with a total and a series.
func convertInsights(ins []threads.Insight) []schemas.Metric {
	out := make([]schemas.Metric, 0, len(ins))
	for _, in := range ins {
		m := schemas.Metric{Name: in.Name, Period: in.Period, Title: in.Title}
		switch {
		case in.TotalValue != nil:
			total := in.TotalValue.Value
			for _, b := range in.TotalValue.Breakdowns {
				for _, r := range b.Results {
					m.Series = append(m.Series, schemas.MetricValue{Value: r.Value, Dimension: strings.Join(r.DimensionValues, ",")})
				}
			}
			if total == 0 && len(m.Series) > 0 {
				for _, s := range m.Series {
					total += s.Value
				}
			}
			m.Total = &total
		case len(in.LinkTotalValues) > 0:
			var total int64
			for _, l := range in.LinkTotalValues {
				total += l.Value
				m.Series = append(m.Series, schemas.MetricValue{Value: l.Value, Link: l.LinkURL})
			}
			m.Total = &total
		case len(in.Values) == 1 && in.Values[0].EndTime.IsZero():
			v := in.Values[0].Value
			m.Total = &v
		default:
			var total int64
			for _, v := range in.Values {
				total += v.Value
				m.Series = append(m.Series, schemas.MetricValue{Value: v.Value, EndTime: rfc3339(v.EndTime.Time)})
			}
			m.Total = &total
		}
		out = append(out, m)
	}
	return out
}
