package schemas

import (
	"strings"
	"testing"
	"time"
)

func TestResolveLocalTime(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		name  string
		loc   *time.Location
		wall  string
		fold  string
		want  string // UTC instant; "" when refused
		rule  string // the refusal's rule
		texts []string
	}{
		{"berlin winter", berlin, "2026-01-15T09:00", "", "2026-01-15T08:00:00Z", "", nil},
		{"berlin summer", berlin, "2026-07-15T09:00", "", "2026-07-15T07:00:00Z", "", nil},
		{"berlin gap", berlin, "2026-03-29T02:30", "", "", "in a DST gap", []string{"02:00", "03:00", "never happens"}},
		{"berlin gap start", berlin, "2026-03-29T02:00", "", "", "in a DST gap", nil},
		{"berlin just before gap", berlin, "2026-03-29T01:59", "", "2026-03-29T00:59:00Z", "", nil},
		{"berlin gap end", berlin, "2026-03-29T03:00", "", "2026-03-29T01:00:00Z", "", nil},
		{"berlin overlap needs fold", berlin, "2026-10-25T02:30", "", "", "in a DST overlap", []string{"+02:00", "+01:00", "fold"}},
		{"berlin overlap earlier", berlin, "2026-10-25T02:30", FoldEarlier, "2026-10-25T00:30:00Z", "", nil},
		{"berlin overlap later", berlin, "2026-10-25T02:30", FoldLater, "2026-10-25T01:30:00Z", "", nil},
		{"berlin fold ignored outside overlap", berlin, "2026-10-25T04:00", FoldLater, "2026-10-25T03:00:00Z", "", nil},
		{"new york gap", ny, "2026-03-08T02:15", "", "", "in a DST gap", []string{"02:00", "03:00"}},
		{"new york overlap", ny, "2026-11-01T01:30", "", "", "in a DST overlap", []string{"-04:00", "-05:00"}},
		{"new york overlap earlier", ny, "2026-11-01T01:30", FoldEarlier, "2026-11-01T05:30:00Z", "", nil},
		{"new york overlap later", ny, "2026-11-01T01:30", FoldLater, "2026-11-01T06:30:00Z", "", nil},
		{"leap day", ny, "2028-02-29T09:00", "", "2028-02-29T14:00:00Z", "", nil},
		{"utc", time.UTC, "2026-03-29T02:30", "", "2026-03-29T02:30:00Z", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wall, err := ParseLocalTime(tc.wall)
			if err != nil {
				t.Fatal(err)
			}
			got, fe := ResolveLocalTime("local_time", wall, tc.loc, tc.fold)
			if tc.want == "" {
				if fe == nil {
					t.Fatalf("accepted as %s", got.UTC().Format(time.RFC3339))
				}
				if fe.Rule != tc.rule || fe.Field != "local_time" || fe.Fix == "" {
					t.Fatalf("refusal %+v", fe)
				}
				for _, s := range tc.texts {
					if !strings.Contains(fe.Error(), s) {
						t.Errorf("refusal %q lacks %q", fe.Error(), s)
					}
				}
				return
			}
			if fe != nil {
				t.Fatalf("refused: %v", fe)
			}
			if s := got.UTC().Format(time.RFC3339); s != tc.want {
				t.Fatalf("got %s, want %s", s, tc.want)
			}
		})
	}
}

func TestWhenArgsRules(t *testing.T) {
	tests := []struct {
		name string
		args SchedulePostArgs
		bad  []string // fields refused
	}{
		{"publish_at", SchedulePostArgs{WhenArgs: WhenArgs{PublishAt: "2026-03-01T09:00:00+01:00"}}, nil},
		{"no offset", SchedulePostArgs{WhenArgs: WhenArgs{PublishAt: "2026-03-01T09:00:00"}}, []string{"publish_at"}},
		{"local with zone", SchedulePostArgs{WhenArgs: WhenArgs{LocalTime: "2026-03-01T09:00", Timezone: "Europe/Berlin"}}, nil},
		{"bad zone", SchedulePostArgs{WhenArgs: WhenArgs{LocalTime: "2026-03-01T09:00", Timezone: "Mars/Olympus"}}, []string{"timezone"}},
		{"zone without local", SchedulePostArgs{WhenArgs: WhenArgs{PublishAt: "2026-03-01T09:00:00Z", Timezone: "UTC"}}, []string{"timezone"}},
		{"two ways", SchedulePostArgs{WhenArgs: WhenArgs{PublishAt: "2026-03-01T09:00:00Z", Slot: "next"}}, []string{"publish_at"}},
		{"none", SchedulePostArgs{}, []string{"publish_at"}},
		{"draft needs none", SchedulePostArgs{Status: ScheduleDraft}, nil},
		{"slot", SchedulePostArgs{WhenArgs: WhenArgs{Slot: "next"}}, nil},
		{"bad slot", SchedulePostArgs{WhenArgs: WhenArgs{Slot: "later"}}, []string{"slot"}},
		{"fold without local", SchedulePostArgs{WhenArgs: WhenArgs{Slot: "next", Fold: "later"}}, []string{"fold"}},
		{"key owned", SchedulePostArgs{ScheduleTarget: ScheduleTarget{Arguments: map[string]any{"idempotency_key": "k"}}, WhenArgs: WhenArgs{Slot: "next"}}, []string{"arguments.idempotency_key"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.args
			a.Tool = "publish_text"
			a.Normalize()
			fes := AsFieldErrors(a.Validate())
			var got []string
			for _, fe := range fes {
				got = append(got, fe.Field)
			}
			if strings.Join(got, ",") != strings.Join(tc.bad, ",") {
				t.Fatalf("refused %v, want %v (%v)", got, tc.bad, fes)
			}
		})
	}
}
