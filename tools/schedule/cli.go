package schedule

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// Pending returns the drafts and the jobs awaiting approval of every
// account, in due order.
func (e *Engine) Pending(ctx context.Context) ([]*Job, error) {
	rows, err := e.db.QueryContext(ctx, sqlPending, boolInt(e.sandbox))
	if err != nil {
		return nil, fmt.Errorf("schedule: list pending jobs: %w", err)
	}
	defer rows.Close()
	var out []*Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("schedule: list pending jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// Preview writes what a job would publish, for a person to approve: the
// account, the time, the tool and its arguments, and the digest.
func Preview(w io.Writer, j *Job) {
	when := "no time yet (draft)"
	if !j.FireAt.IsZero() {
		when = j.FireAt.UTC().Format(time.RFC3339)
		if loc, err := time.LoadLocation(j.Zone); err == nil && j.Zone != "" {
			when += " = " + j.FireAt.In(loc).Format("Mon 2006-01-02 15:04 MST")
		}
	}
	acct := j.Scope.Account
	if acct == "" {
		acct = "(the environment account)"
	}
	fmt.Fprintf(w, "%s  %s\n  account: %s\n  publish: %s\n  tool:    %s\n", j.ID, j.Status, acct, when, j.Tool)
	var args map[string]any
	if json.Unmarshal(j.Args, &args) == nil {
		b, _ := json.MarshalIndent(args, "  ", "  ")
		fmt.Fprintf(w, "  arguments: %s\n", b)
	}
	fmt.Fprintf(w, "  digest:  %s\n", j.Digest)
	if j.Note != "" {
		fmt.Fprintf(w, "  note:    %s\n", j.Note)
	}
}

// Drafts writes the drafts and the jobs awaiting approval to w.
func (e *Engine) Drafts(ctx context.Context, w io.Writer) error {
	jobs, err := e.Pending(ctx)
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		fmt.Fprintln(w, "No drafts and nothing awaiting approval.")
		return nil
	}
	for _, j := range jobs {
		Preview(w, j)
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Approve one with: threads-mcp approve JOB")
	return nil
}

// ApproveByPerson shows job id to a person on out and, once they confirm
// on in (or yes is set), approves exactly the payload shown.
func (e *Engine) ApproveByPerson(ctx context.Context, id string, in io.Reader, out io.Writer, yes bool) (*Job, error) {
	j, err := e.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if j.Status != schemas.ScheduleAwaitingApproval && j.Status != schemas.ScheduleDraft {
		return nil, &StateError{Job: j, What: "there is nothing to approve", Fix: "threads-mcp drafts lists the jobs awaiting approval."}
	}
	Preview(out, j)
	if !yes {
		fmt.Fprint(out, "Publish this post as shown? [y/N] ")
		line, _ := bufio.NewReader(in).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			return nil, fmt.Errorf("not approved; job %s still awaits approval", id)
		}
	}
	return e.Approve(ctx, id, j.Digest, "cli")
}
