// Package threads is a client for Meta's Threads Graph API
// (https://developers.facebook.com/docs/threads), in the style of go-github:
// a Client built with NewClient and functional options, methods taking a
// context first and returning (value, *Response, error), and typed errors
// (*APIError with Kind, *ContainerError) matched with errors.As or the
// sentinel errors with errors.Is.
//
// Besides one method per endpoint, the client runs the publishing flows
// (PublishText, PublishImage, PublishVideo, PublishCarousel, Reply,
// PublishPost). Meta's flow is: create a container, wait until it is
// FINISHED, publish it (https://developers.facebook.com/docs/threads/posts);
// the flows add as few requests as exactly-once allows. Graph requests per
// post when nothing goes wrong (k = status checks until FINISHED, at least
// 1; TestRequestBudget counts them through the emulator):
//
//	text post or text reply     create, publish, read back                  3
//	text with auto_publish_text create (it publishes), read back            2
//	image or video (or reply)   create, k status, publish, read back        3 + k
//	carousel of n items         n creates, k + n − 1 status, parent create,
//	                            publish, read back                          2n + 2 + k
//
// Post.SkipReadBack drops the read back of the permalink (one request fewer
// in every row).
//
// Text and carousel parent containers are not polled before publishing:
// they are FINISHED when created (a carousel's children already are). If
// Meta nevertheless answers 24/4279009 ("media not ready"), the flow polls
// the status then and publishes once it is FINISHED, so nothing is
// published early and nothing twice. Images and videos are polled first, as
// Meta asks, on a schedule that backs off per container type (PollPolicy).
// Carousel items are created together and polled as a group: one item per
// check, in turn, and when one is FINISHED every other pending item is
// checked at once, so the polling cost grows with the processing time once
// per carousel, not once per item.
//
// threads_publish is never retried blindly, because a publish can fail with
// HTTP 500 code 10 although the post went live. After an ambiguous failure
// (no answer, 5xx, code 10, transient or rate-limit errors, an undecodable
// success) the container status decides: PUBLISHED means the post is live
// and its id is recovered from the user's recent posts (matching text, media
// type and reply target), FINISHED means a new attempt is safe, ERROR or
// EXPIRED fail. When neither the answer nor the status can be had, the flow
// returns an *OutcomeUnknownError to resume from. Post.OnContainer hears of
// every container before it is published, so a caller can record it and
// finish an interrupted publish with ResumePublish. Meta doc:
// https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id
//
// After publishing a media reply the read back also asks is_reply and
// replied_to (no extra request): quick video replies have been reported to
// come out as standalone posts, and PublishResult.ReplyNotLinked says so.
// FindRecentPost and FindRepost expose the searches that settle a lost
// answer, so a caller can check before publishing anew.
//
// The reading side (ListThreads, UserReplies, GetMedia, KeywordSearch,
// Mentions, ProfileLookup, ProfilePosts, LocationSearch, DebugToken, …)
// decodes what Meta documents and, where Meta's pages leave the shape open
// or contradict themselves, accepts every shape seen: children and
// text_entities as {"data":[…]} or a bare array, ids as strings or
// numbers, media_type TEXT or TEXT_POST, timestamps in ISO 8601 or epoch
// seconds or milliseconds. Threads links are not API ids: ParsePermalink
// reads a permalink or shortcode, and ResolveShortcode finds the post's
// id in the lists that can hold it.
//
// Attachments go in Post.Extra, encoded as Meta documents them (JSON
// strings for poll, GIF, text attachment and spoilers). Meta does not state
// the unit of spoiler and styling offsets; EntityOffsetUnit names the one
// the client uses, and EntityRange converts byte ranges to it.
//
// The access token is sent only in the Authorization header, never in a URL,
// and is stripped from every URL and error the client returns; it is never
// logged. Reads and transient failures are retried with exponential backoff
// and full jitter; non-idempotent calls only when the failure proves nothing
// happened. The package has no MCP dependency and writes nothing to stdout.
package threads
