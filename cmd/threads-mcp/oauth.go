package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/auth/oauthserver"
	"github.com/threads-mcp/threads-mcp/cmd/internal/config"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/transport"
)

// protectOAuth makes the HTTP transport o an OAuth resource server: of the
// built-in authorization server (users sign in with Threads), or of the
// external issuer c.OAuthIssuer.
func protectOAuth(ctx context.Context, a *app, c *config.Config, o *transport.HTTPOptions) error {
	logger := slog.New(a.logger).With("component", "oauth")
	if c.OAuthIssuer != "" {
		v, err := oauthserver.NewJWTVerifier(ctx, c.OAuthIssuer, oauthserver.ResourceURI(c.PublicURL), nil)
		if err != nil {
			return fmt.Errorf("--oauth-issuer: %w", err)
		}
		oauthserver.ProtectWith(o, v, c.PublicURL, c.OAuthIssuer, tools.Scopes())
		logger.Info("OAuth: tokens of an external authorization server", "issuer", c.OAuthIssuer, "resource", oauthserver.ResourceURI(c.PublicURL))
		return nil
	}
	srv, err := oauthserver.New(ctx, oauthserver.Config{
		PublicURL: c.PublicURL, Store: a.store, Logger: logger,
		Threads: auth.Config{AppID: c.AppID, AppSecret: c.AppSecret, AuthURL: c.AuthURL, GraphURL: c.BaseURL, Secrets: c.Redact},
	})
	if err != nil {
		return err
	}
	srv.Protect(o)
	logger.Info("OAuth: users sign in with Threads", "connector_url", srv.Resource(),
		"threads_redirect_uri", c.PublicURL+oauthserver.CallbackPath)
	return nil
}
