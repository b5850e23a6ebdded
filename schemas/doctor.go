package schemas

import "github.com/invopop/jsonschema"

// Statuses of a doctor check, in the order of severity.
const (
	// DoctorOK: the checked thing is fine.
	DoctorOK = "ok"
	// DoctorSkip: nothing to check (not configured, or an earlier check
	// failed first).
	DoctorSkip = "skip"
	// DoctorWarn: worth fixing, but nothing the enabled tools need fails.
	DoctorWarn = "warn"
	// DoctorFail: something the enabled tools need fails until fixed.
	DoctorFail = "fail"
)

// DoctorStatuses are the statuses of a doctor check, least severe first.
func DoctorStatuses() []string { return []string{DoctorOK, DoctorSkip, DoctorWarn, DoctorFail} }

// DoctorArgs are the (empty) arguments of the doctor tool.
type DoctorArgs struct{}

// Validate accepts every (empty) argument object.
func (a *DoctorArgs) Validate() error { return nil }

// DoctorCheck is one line of the doctor's report. It never carries a token.
type DoctorCheck struct {
	Check  string `json:"check" jsonschema_description:"What was checked."`
	Status string `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty" jsonschema_description:"The exact fix, for the user."`
}

// DoctorResult is the doctor's report: the checks in order, and whether
// everything the enabled tools need is fine (no check failed).
type DoctorResult struct {
	ResultMeta
	OK     bool          `json:"ok"`
	Checks []DoctorCheck `json:"checks"`
}

// JSONSchemaExtend lists the statuses.
func (DoctorCheck) JSONSchemaExtend(s *jsonschema.Schema) { setEnum(s, "status", DoctorStatuses()) }
