package schedule

// This file holds every SQL statement of the schedule's own tables. They
// run on SQLite and PostgreSQL alike: $n placeholders, INSERT … ON CONFLICT,
// times as BIGINT unix milliseconds, booleans as INTEGER 0/1, no
// database-specific functions. River's own tables (river_job, …) are
// River's, migrated by rivermigrate.

// migrations are the schedule component's schema steps (Store.Migrate);
// append only.
var migrations = []string{
	`CREATE TABLE scheduled_posts (
		id                TEXT    PRIMARY KEY,
		sandbox           INTEGER NOT NULL,
		account           TEXT    NOT NULL,
		tool              TEXT    NOT NULL,
		arguments         TEXT    NOT NULL,
		digest            TEXT    NOT NULL,
		media             INTEGER NOT NULL DEFAULT 0,
		status            TEXT    NOT NULL,
		fire_at           BIGINT  NOT NULL DEFAULT 0,
		not_before        BIGINT  NOT NULL DEFAULT 0,
		zone              TEXT    NOT NULL DEFAULT '',
		revision          INTEGER NOT NULL DEFAULT 0,
		river_job_id      BIGINT  NOT NULL DEFAULT 0,
		approval_required INTEGER NOT NULL DEFAULT 0,
		approved_digest   TEXT    NOT NULL DEFAULT '',
		approved_by       TEXT    NOT NULL DEFAULT '',
		approved_at       BIGINT  NOT NULL DEFAULT 0,
		result            TEXT    NOT NULL DEFAULT '',
		post_id           TEXT    NOT NULL DEFAULT '',
		permalink         TEXT    NOT NULL DEFAULT '',
		error             TEXT    NOT NULL DEFAULT '',
		note              TEXT    NOT NULL DEFAULT '',
		attempts          INTEGER NOT NULL DEFAULT 0,
		owner             TEXT    NOT NULL DEFAULT '',
		lease_until       BIGINT  NOT NULL DEFAULT 0,
		fired_at          BIGINT  NOT NULL DEFAULT 0,
		published_at      BIGINT  NOT NULL DEFAULT 0,
		created_at        BIGINT  NOT NULL,
		updated_at        BIGINT  NOT NULL
	);
	CREATE INDEX scheduled_posts_due ON scheduled_posts (sandbox, account, fire_at, id);
	CREATE INDEX scheduled_posts_status ON scheduled_posts (status, lease_until);
	CREATE TABLE posting_schedules (
		sandbox          INTEGER NOT NULL,
		account          TEXT    NOT NULL,
		timezone         TEXT    NOT NULL DEFAULT '',
		slots            TEXT    NOT NULL DEFAULT '',
		min_gap_ms       BIGINT  NOT NULL DEFAULT 0,
		require_approval TEXT    NOT NULL DEFAULT '',
		missed_policy    TEXT    NOT NULL DEFAULT '',
		max_lateness_ms  BIGINT  NOT NULL DEFAULT -1,
		updated_at       BIGINT  NOT NULL,
		PRIMARY KEY (sandbox, account)
	);
	CREATE TABLE schedule_workers (
		id         TEXT    PRIMARY KEY,
		queue      TEXT    NOT NULL,
		pid        INTEGER NOT NULL,
		started_at BIGINT  NOT NULL,
		seen_at    BIGINT  NOT NULL
	);`,
}

const jobColumns = `id, sandbox, account, tool, arguments, digest, media, status, fire_at, not_before, zone, revision, river_job_id,
	approval_required, approved_digest, approved_by, approved_at, result, post_id, permalink, error, note, attempts,
	owner, lease_until, fired_at, published_at, created_at, updated_at`

const (
	sqlInsertJob = `INSERT INTO scheduled_posts (` + jobColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
		$14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29)`
	sqlGetJob = `SELECT ` + jobColumns + ` FROM scheduled_posts WHERE id = $1`
	// sqlListJobs pages by (fire_at, id) after the cursor; $2 = '' lists
	// every status; $3/$4 bound fire_at (0 = open). The casts give
	// PostgreSQL the parameter types it cannot infer from a comparison
	// with a literal.
	sqlListJobs = `SELECT ` + jobColumns + ` FROM scheduled_posts
		WHERE sandbox = $1 AND account = $8 AND (CAST($2 AS TEXT) = '' OR status = $2)
		AND (CAST($3 AS BIGINT) = 0 OR fire_at >= $3) AND (CAST($4 AS BIGINT) = 0 OR fire_at < $4)
		AND (fire_at > CAST($5 AS BIGINT) OR (fire_at = $5 AND id > $6))
		ORDER BY fire_at, id LIMIT $7`
	// sqlSaveJob writes the mutable fields of a job whose revision is
	// still $1 (optimistic concurrency: a concurrent change wins).
	sqlSaveJob = `UPDATE scheduled_posts SET arguments = $2, digest = $3, media = $4, status = $5, fire_at = $6, not_before = $7,
		zone = $8, revision = $9, river_job_id = $10, approval_required = $11, approved_digest = $12, approved_by = $13,
		approved_at = $14, result = $15, post_id = $16, permalink = $17, error = $18, note = $19, attempts = $20,
		owner = $21, lease_until = $22, fired_at = $23, published_at = $24, updated_at = $25
		WHERE id = $26 AND revision = $1`
	// sqlClaimJob marks a job publishing for owner: only at revision $3,
	// while scheduled, or publishing with no live lease.
	sqlClaimJob = `UPDATE scheduled_posts SET status = 'publishing', owner = $1, lease_until = $2, attempts = attempts + 1,
		fired_at = CASE WHEN fired_at = 0 THEN $4 ELSE fired_at END, updated_at = $4
		WHERE id = $5 AND revision = $3 AND (status = 'scheduled' OR (status = 'publishing' AND (lease_until < $4 OR owner = $1)))`
	sqlRenewJob   = `UPDATE scheduled_posts SET lease_until = $1 WHERE id = $2 AND owner = $3 AND status = 'publishing'`
	sqlSetRiverID = `UPDATE scheduled_posts SET river_job_id = $1 WHERE id = $2 AND revision = $3`
	// sqlPending are the jobs of every account that wait for a human.
	sqlPending = `SELECT ` + jobColumns + ` FROM scheduled_posts WHERE sandbox = $1 AND status IN ('draft', 'awaiting_approval')
		ORDER BY fire_at, id LIMIT 500`
	// sqlStuckJobs are publishing jobs whose worker died (lease ran out).
	sqlStuckJobs = `SELECT id FROM scheduled_posts WHERE status = 'publishing' AND sandbox = $1 AND lease_until < $2 LIMIT 100`
	// sqlLastPublished is when the account's last scheduled post went out.
	sqlLastPublished = `SELECT COALESCE(MAX(published_at), 0) FROM scheduled_posts WHERE sandbox = $1 AND account = $2 AND status = 'published'`
	// sqlTakenSlots are the instants of the account's live jobs in a window.
	sqlTakenSlots = `SELECT fire_at FROM scheduled_posts WHERE sandbox = $1 AND account = $2 AND fire_at >= $3 AND fire_at < $4
		AND status IN ('awaiting_approval', 'scheduled', 'publishing', 'published')`

	sqlGetSchedule = `SELECT timezone, slots, min_gap_ms, require_approval, missed_policy, max_lateness_ms FROM posting_schedules
		WHERE sandbox = $1 AND account = $2`
	sqlPutSchedule = `INSERT INTO posting_schedules (sandbox, account, timezone, slots, min_gap_ms, require_approval, missed_policy, max_lateness_ms, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (sandbox, account) DO UPDATE SET timezone = excluded.timezone, slots = excluded.slots, min_gap_ms = excluded.min_gap_ms,
		require_approval = excluded.require_approval, missed_policy = excluded.missed_policy, max_lateness_ms = excluded.max_lateness_ms,
		updated_at = excluded.updated_at`

	sqlWorkerBeat = `INSERT INTO schedule_workers (id, queue, pid, started_at, seen_at) VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`
	sqlWorkerGone  = `DELETE FROM schedule_workers WHERE id = $1 OR seen_at < $2`
	sqlWorkersLive = `SELECT count(*) FROM schedule_workers WHERE queue = $1 AND seen_at >= $2`
)
