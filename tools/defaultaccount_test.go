package tools

import (
	"context"
	"errors"
	"testing"
)

// twoAccounts is an Accounts with a stored default "home" and "work".
type twoAccounts struct{}

func (twoAccounts) Resolve(_ context.Context, name string) (*Account, error) {
	switch name {
	case "", "home":
		return &Account{Name: "home"}, nil
	case "work":
		return &Account{Name: "work"}, nil
	}
	return nil, errors.New("no such account")
}

func (twoAccounts) List(context.Context) ([]AccountInfo, error) {
	return []AccountInfo{{Name: "home", Default: true, Source: "stored"}, {Name: "work", Source: "stored"}}, nil
}

func TestWithDefaultAccount(t *testing.T) {
	ctx := context.Background()
	a := WithDefaultAccount(twoAccounts{}, "work")
	for _, tc := range []struct{ name, want string }{{"", "work"}, {"home", "home"}, {"work", "work"}} {
		got, err := a.Resolve(ctx, tc.name)
		if err != nil || got.Name != tc.want {
			t.Errorf("Resolve(%q) = %v, %v; want %s", tc.name, got, err, tc.want)
		}
	}
	infos, err := a.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range infos {
		if in.Default != (in.Name == "work") {
			t.Errorf("%s: default %v", in.Name, in.Default)
		}
	}
	if WithDefaultAccount(twoAccounts{}, "") != (twoAccounts{}) {
		t.Error("an empty name must leave the accounts as they are")
	}
}
