package tools

import "context"

// WithDefaultAccount returns accts with name as the account of every call
// that names none (the server's --account flag). List marks it the default.
func WithDefaultAccount(accts Accounts, name string) Accounts {
	if name == "" {
		return accts
	}
	return &defaultAccount{Accounts: accts, name: name}
}

type defaultAccount struct {
	Accounts
	name string
}

// Resolve resolves name, or the configured default when name is empty.
func (d *defaultAccount) Resolve(ctx context.Context, name string) (*Account, error) {
	if name == "" {
		name = d.name
	}
	return d.Accounts.Resolve(ctx, name)
}

// List lists the accounts with the configured default marked as such.
func (d *defaultAccount) List(ctx context.Context) ([]AccountInfo, error) {
	infos, err := d.Accounts.List(ctx)
	if err != nil {
		return nil, err
	}
	def, err := d.Accounts.Resolve(ctx, d.name)
	if err != nil {
		return nil, err
	}
	for i := range infos {
		infos[i].Default = infos[i].Name == def.Name && infos[i].Source != "environment"
	}
	return infos, nil
}
