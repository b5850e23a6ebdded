package threads

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Webhook fields of Threads: replies to the user's posts (topic moderate),
// deleted posts (moderate), mentions of the user (interaction) and the
// user's posts being published (interaction).
//
// Meta doc: https://developers.facebook.com/docs/threads/webhooks
const (
	WebhookReplies  = "replies"
	WebhookDelete   = "delete"
	WebhookMentions = "mentions"
	WebhookPublish  = "publish"
)

// WebhookFields lists every Threads webhook field.
func WebhookFields() []string {
	return []string{WebhookReplies, WebhookMentions, WebhookPublish, WebhookDelete}
}

// WebhookObject is the object an app subscribes to for Threads webhooks.
// Meta's Threads page sets subscriptions in the app dashboard and does not
// name the object for the Graph subscriptions edge; "threads" is the name
// the dashboard shows.
const WebhookObject = "threads"

// Subscription is one of an app's webhook subscriptions, as
// GET /{app-id}/subscriptions lists them.
type Subscription struct {
	Object      string              `json:"object"`
	CallbackURL string              `json:"callback_url"`
	Active      bool                `json:"active"`
	Fields      []SubscriptionField `json:"fields"`
}

// SubscriptionField is a subscribed field and its version.
type SubscriptionField struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// SubscribeOptions are the parameters of POST /{app-id}/subscriptions.
type SubscribeOptions struct {
	// Object defaults to WebhookObject.
	Object string
	// CallbackURL is the https URL Meta delivers to; Meta verifies it with
	// a GET handshake carrying VerifyToken before it saves the subscription.
	CallbackURL string
	VerifyToken string
	// Fields to subscribe (default: WebhookFields()).
	Fields []string
	// IncludeValues asks for the changed values in each delivery.
	IncludeValues bool
}

// Subscriptions lists the app's webhook subscriptions. The client must carry
// an app access token ("TH|{app-id}|…" from the client_credentials grant).
//
// Meta doc: https://developers.facebook.com/docs/graph-api/reference/app/subscriptions
func (c *Client) Subscriptions(ctx context.Context, appID string) ([]Subscription, *Response, error) {
	var out struct {
		Data []Subscription `json:"data"`
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, path: endpoint(appID, "subscriptions"), retry: retryRead}, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.Data, resp, nil
}

// Subscribe creates or updates the app's subscription to o.Object. Meta
// answers only after the callback URL passed its verification handshake.
//
// Meta doc: https://developers.facebook.com/docs/graph-api/reference/app/subscriptions
func (c *Client) Subscribe(ctx context.Context, appID string, o SubscribeOptions) (*Response, error) {
	if o.CallbackURL == "" {
		return nil, fmt.Errorf("threads: subscribe: a callback URL is required")
	}
	fields := o.Fields
	if len(fields) == 0 {
		fields = WebhookFields()
	}
	params := url.Values{
		"object":       {firstNonEmpty(o.Object, WebhookObject)},
		"callback_url": {o.CallbackURL},
		"fields":       {strings.Join(fields, ",")},
		"verify_token": {o.VerifyToken},
	}
	if o.IncludeValues {
		params.Set("include_values", "true")
	}
	return c.postSuccess(ctx, endpoint(appID, "subscriptions"), params)
}

// Unsubscribe removes fields (all of them when none are given) from the
// app's subscription to object ("" : WebhookObject).
//
// Meta doc: https://developers.facebook.com/docs/graph-api/reference/app/subscriptions
func (c *Client) Unsubscribe(ctx context.Context, appID, object string, fields ...string) (*Response, error) {
	params := url.Values{"object": {firstNonEmpty(object, WebhookObject)}}
	if len(fields) > 0 {
		params.Set("fields", strings.Join(fields, ","))
	}
	var out struct {
		Success bool `json:"success"`
	}
	resp, err := c.do(ctx, request{method: http.MethodDelete, path: endpoint(appID, "subscriptions"), params: params, retry: retryCreate}, &out)
	if err != nil {
		return resp, err
	}
	if !out.Success {
		return resp, fmt.Errorf("threads: DELETE %s: Threads answered success=false", endpoint(appID, "subscriptions"))
	}
	return resp, nil
}

// AppAccessToken obtains an app access token (grant_type
// client_credentials), the token of GET/POST/DELETE /{app-id}/subscriptions.
// The secret travels in a form body, never in a URL (an error quoting the
// URL would otherwise carry it); the client needs no user token.
//
// Meta doc: https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
func (c *Client) AppAccessToken(ctx context.Context, appID, appSecret string) (string, *Response, error) {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	params := url.Values{"grant_type": {"client_credentials"}, "client_id": {appID}, "client_secret": {appSecret}}
	resp, err := c.do(ctx, request{method: http.MethodPost, path: "/oauth/access_token", params: params, retry: retryCreate}, &out)
	if err != nil {
		return "", resp, err
	}
	if out.AccessToken == "" {
		return "", resp, fmt.Errorf("threads: POST /oauth/access_token: no access_token in the answer")
	}
	return out.AccessToken, resp, nil
}
