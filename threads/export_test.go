package threads

import "context"

// PublishCarouselSerial is the naive carousel flow (one item after another,
// each polled), exported for the comparison benchmark.
func (c *Client) PublishCarouselSerial(ctx context.Context, p Post) (*PublishResult, error) {
	return c.publishCarousel(ctx, p, true)
}
