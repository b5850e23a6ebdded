package oauthserver

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/tools/state"
)

func testDB(t *testing.T) db {
	t.Helper()
	st, err := state.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.Migrate(t.Context(), component, migrations); err != nil {
		t.Fatal(err)
	}
	return db{st.DB()}
}

// TestRegistrationBounded checks that open registration is bounded per
// hour and that clients without a grant are forgotten after a day.
func TestRegistrationBounded(t *testing.T) {
	d := testDB(t)
	ctx := t.Context()
	t0 := time.Now()
	put := func(id string, at time.Time) error {
		return d.putClient(ctx, client{ID: id, AuthMethod: authNone, RedirectURIs: []string{"https://app.example/cb"}}, at)
	}
	for i := range maxClientsPerHour {
		if err := put(fmt.Sprint("c", i), t0); err != nil {
			t.Fatalf("registration %d: %v", i, err)
		}
	}
	if err := put("one-too-many", t0); !errors.Is(err, errTooManyClients) {
		t.Fatalf("registration over the hourly bound: %v", err)
	}
	// A grant keeps its client; the others are forgotten after a day.
	if err := d.putCode(ctx, "code", grant{ID: "g", ClientID: "c0", Subject: "u"}, "https://app.example/cb", "x", t0.Add(time.Minute), t0); err != nil {
		t.Fatal(err)
	}
	if err := put("next-day", t0.Add(25*time.Hour)); err != nil {
		t.Fatalf("registration a day later: %v", err)
	}
	if _, err := d.client(ctx, "c0"); err != nil {
		t.Errorf("the client with a grant was forgotten: %v", err)
	}
	if _, err := d.client(ctx, "c1"); !errors.Is(err, errNotFound) {
		t.Errorf("an unused client was kept: %v", err)
	}
}
