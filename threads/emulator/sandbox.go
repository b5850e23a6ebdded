package emulator

import "time"

// Sandbox defaults: close enough to Meta's timings that the client's retry
// paths (status polling, 24/4279009 after FINISHED) run in the sandbox too,
// short enough for interactive use. Meta recommends waiting about 30 s before
// publishing (https://developers.facebook.com/docs/threads/posts); publish
// right after FINISHED was refused with 24/4279009 for a median of ~7 s in
// production (gitroomhq/postiz-app#2047).
const (
	sandboxLatency    = 40 * time.Millisecond
	sandboxImageDelay = 1 * time.Second
	sandboxVideoDelay = 5 * time.Second
	sandboxPublishLag = 1 * time.Second
)

// WithPublishLag makes threads_publish answer 24/4279009 until d after a
// container became FINISHED (propagation lag); see SetPublishLag.
func WithPublishLag(d time.Duration) Option { return func(cf *config) { cf.publishLag = d } }

// SandboxDefaults is the option set of the server's sandbox and of
// `threads-mcp emulator`: the demo world, realistic latency (40 ms per
// request), media processing (1 s images, 5 s videos), publish lag (1 s of
// 24/4279009 after FINISHED), downloads of the media it hosts (staged local
// files; made-up public URLs are not fetched), and no request log, so
// memory stays flat however long it runs. Options given after it override it.
func SandboxDefaults() []Option {
	return []Option{
		WithDemoWorld(),
		WithRequestLog(0),
		WithLatency(sandboxLatency),
		WithProcessingDelay(sandboxImageDelay, sandboxVideoDelay),
		WithPublishLag(sandboxPublishLag),
		WithMediaDownload(DownloadHosted, nil),
	}
}
