package oauthserver

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/threads-mcp/threads-mcp/tools"
)

// UserAccounts restricts accts to the accounts of the request's principal
// (PrincipalFrom): a signed-in user resolves and lists only the Threads
// account they signed in with, so one user cannot act as another's account
// whatever name they pass. An omitted account is the user's own. A call
// without a principal (no OAuth on the request) is refused. Install it once
// around the server's Accounts.
func UserAccounts(accts tools.Accounts) tools.Accounts { return &userAccounts{inner: accts} }

type userAccounts struct{ inner tools.Accounts }

// errNoPrincipal refuses a call that reached the tools without a token.
var errNoPrincipal = errors.New("this server acts only for signed-in users; connect with OAuth")

func (u *userAccounts) Resolve(ctx context.Context, name string) (*tools.Account, error) {
	p := PrincipalFrom(ctx)
	if p == nil {
		return nil, errNoPrincipal
	}
	if p.AllAccounts {
		return u.inner.Resolve(ctx, name)
	}
	if len(p.Accounts) == 0 {
		return nil, errors.New("no Threads account is connected to this sign-in; sign in with Threads again")
	}
	if name == "" {
		name = p.Accounts[0]
	}
	a, err := u.inner.Resolve(ctx, name)
	if err != nil || !slices.Contains(p.Accounts, a.Name) {
		// The same answer whether the account exists or is another
		// user's: nothing about other users leaks.
		return nil, fmt.Errorf("account %q is not available to you: you act as the Threads account you signed in with (omit account, or see list_accounts)", name)
	}
	return a, nil
}

func (u *userAccounts) List(ctx context.Context) ([]tools.AccountInfo, error) {
	p := PrincipalFrom(ctx)
	if p == nil {
		return nil, errNoPrincipal
	}
	all, err := u.inner.List(ctx)
	if err != nil || p.AllAccounts {
		return all, err
	}
	var out []tools.AccountInfo
	for _, a := range all {
		if slices.Contains(p.Accounts, a.Name) {
			a.Default = len(p.Accounts) > 0 && a.Name == p.Accounts[0]
			out = append(out, a)
		}
	}
	return out, nil
}
