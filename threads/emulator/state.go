package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// A persistent world (WithStateFile) lives in one JSON file. Every request
// runs under an exclusive lock on a sibling ".lock" file (flock, so two
// processes on one state directory take turns); before the request the world
// is reloaded if another process replaced the file, and after a request that
// changed the world it is written to a temporary file, synced and renamed
// over the old one, so a crash leaves either the old or the new world, never
// half of one.

// stateVersion is the format of the state file.
const stateVersion = 1

// WithStateFile keeps the emulator's world (users, apps, tokens, codes,
// containers, posts, replies, quotas and the id generator) in the file at
// path: loaded at start when it exists (the demo world is then not seeded
// again), saved after every request that changed it. Use Open to learn about
// a file that cannot be read. Faults are not part of the world: each process
// has its own. Changes made through Go methods (AddUser, IssueToken, …) are
// saved with the next changing request.
func WithStateFile(path string) Option { return func(cf *config) { cf.stateFile = path } }

// ResetState deletes the persistent world at path (and its lock file), so
// that the next emulator opened on it starts afresh. Missing files are not
// an error. Stop the processes using it first: one still running keeps its
// world in memory and writes it back on its next change.
func ResetState(path string) error {
	var errs []error
	for _, p := range []string{path, path + ".lock"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("reset emulator state: %w", err)
	}
	return nil
}

// stateStore is the file behind a persistent world.
type stateStore struct {
	path string
	mu   sync.Mutex // serializes this process's requests; the flock serializes processes
	lock *os.File
	seen os.FileInfo // the file as last loaded or saved
}

// worldState is the persisted world.
type worldState struct {
	Version       int                               `json:"version"`
	RNG           []byte                            `json:"rng"`
	NextObjID     int64                             `json:"next_obj_id"`
	NextUserID    int64                             `json:"next_user_id"`
	Seq           int64                             `json:"seq"`
	Users         []userState                       `json:"users"`
	Apps          []appState                        `json:"apps"`
	Tokens        []tokenState                      `json:"tokens"`
	Codes         []authCodeState                   `json:"codes"`
	Containers    []containerState                  `json:"containers"`
	Media         []mediaObjState                   `json:"media"`
	Quotas        map[string]map[string][]time.Time `json:"quotas"`
	Searches      map[string][]searchedKeyword      `json:"searches,omitempty"`
	DemoToken     string                            `json:"demo_token,omitempty"`
	DemoUserID    string                            `json:"demo_user_id,omitempty"`
	DemoAppID     string                            `json:"demo_app_id,omitempty"`
	DemoAppSecret string                            `json:"demo_app_secret,omitempty"`
}

// searchedKeyword is an entry of recently_searched_keywords: the query and
// when it was searched, in epoch milliseconds
// (https://developers.facebook.com/docs/threads/keyword-search).
type searchedKeyword struct {
	Query     string `json:"query"`
	Timestamp int64  `json:"timestamp"`
}

// touch records that the world changed. Callers hold e.mu.
func (e *Emulator) touch() { e.gen++ }

// openState attaches the state file: loads it, or seeds (when asked) and
// writes it.
func (e *Emulator) openState(path string, seed func()) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("emulator state: %w", err)
	}
	lock, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("emulator state: %w", err)
	}
	st := &stateStore{path: path, lock: lock}
	if err := lockFile(lock); err != nil {
		_ = lock.Close()
		return fmt.Errorf("emulator state: lock %s: %w", path, err)
	}
	defer func() { _ = unlockFile(lock) }()
	e.store = st
	loaded, err := e.reloadLocked()
	if err != nil {
		e.store = nil
		_ = lock.Close()
		return err
	}
	if !loaded {
		seed()
		e.mu.Lock()
		defer e.mu.Unlock()
		if err := e.saveLocked(); err != nil {
			e.store = nil
			_ = lock.Close()
			return err
		}
	}
	return nil
}

// beginRequest takes the state lock and reloads a world another process
// saved. The returned function saves the world if the request changed it
// and releases the lock. Without a state file both are no-ops.
func (e *Emulator) beginRequest() (end func()) {
	e.mu.Lock()
	st := e.store
	e.mu.Unlock()
	if st == nil {
		return func() {}
	}
	st.mu.Lock()
	if e.store != st { // closed meanwhile
		st.mu.Unlock()
		return func() {}
	}
	locked := lockFile(st.lock) == nil
	_, _ = e.reloadLocked()
	e.mu.Lock()
	gen := e.gen
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		if e.gen != gen {
			_ = e.saveLocked()
		}
		e.mu.Unlock()
		if locked {
			_ = unlockFile(st.lock)
		}
		st.mu.Unlock()
	}
}

// reloadLocked loads the state file if it is not the one last seen. It
// reports whether a world is now loaded from the file. Callers hold the
// state lock but not e.mu.
func (e *Emulator) reloadLocked() (bool, error) {
	st := e.store
	fi, err := os.Stat(st.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("emulator state: %w", err)
	}
	if st.seen != nil && os.SameFile(st.seen, fi) && st.seen.ModTime().Equal(fi.ModTime()) && st.seen.Size() == fi.Size() {
		return true, nil
	}
	b, err := os.ReadFile(st.path)
	if err != nil {
		return false, fmt.Errorf("emulator state: %w", err)
	}
	var w worldState
	if err := json.Unmarshal(b, &w); err != nil || w.Version != stateVersion {
		if err == nil {
			err = fmt.Errorf("format version %d, want %d", w.Version, stateVersion)
		}
		return false, fmt.Errorf("emulator state %s is unreadable (%w); reset it to start a new sandbox world", st.path, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.restore(&w); err != nil {
		return false, fmt.Errorf("emulator state %s: %w; reset it to start a new sandbox world", st.path, err)
	}
	st.seen = fi
	return true, nil
}

// saveLocked writes the world atomically. Callers hold e.mu and the state lock.
func (e *Emulator) saveLocked() error {
	st := e.store
	b, err := json.Marshal(e.snapshot())
	if err != nil {
		return fmt.Errorf("emulator state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(st.path), filepath.Base(st.path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("emulator state: %w", err)
	}
	_, werr := tmp.Write(b)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("emulator state: write: %w", err)
	}
	if err := os.Rename(tmp.Name(), st.path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("emulator state: %w", err)
	}
	if fi, err := os.Stat(st.path); err == nil {
		st.seen = fi
	}
	return nil
}

// snapshot captures the world. Callers hold e.mu.
func (e *Emulator) snapshot() *worldState {
	rng, _ := e.pcg.MarshalBinary()
	w := &worldState{Version: stateVersion, RNG: rng, NextObjID: e.nextObjID, NextUserID: e.nextUserID,
		Seq: e.seq, Quotas: e.quotas, Searches: e.searches, DemoToken: e.demoToken, DemoUserID: e.demoUserID,
		DemoAppID: e.demoAppID, DemoAppSecret: e.demoAppSecret}
	for _, id := range e.userOrder {
		w.Users = append(w.Users, e.users[id].state())
	}
	for _, id := range sortedKeys(e.apps) {
		w.Apps = append(w.Apps, e.apps[id].state())
	}
	for _, id := range sortedKeys(e.tokens) {
		w.Tokens = append(w.Tokens, e.tokens[id].state())
	}
	for _, id := range sortedKeys(e.codes) {
		w.Codes = append(w.Codes, e.codes[id].state())
	}
	for _, id := range sortedKeys(e.containers) {
		w.Containers = append(w.Containers, e.containers[id].state())
	}
	for _, m := range e.mediaOrder {
		w.Media = append(w.Media, m.state())
	}
	return w
}

// restore replaces the world with w. Callers hold e.mu.
func (e *Emulator) restore(w *worldState) error {
	if err := e.pcg.UnmarshalBinary(w.RNG); err != nil {
		return fmt.Errorf("id generator: %w", err)
	}
	e.nextObjID, e.nextUserID, e.seq = w.NextObjID, w.NextUserID, w.Seq
	e.users, e.userOrder = map[string]*user{}, nil
	for _, u := range w.Users {
		e.users[u.ID] = u.record()
		e.userOrder = append(e.userOrder, u.ID)
	}
	e.apps = map[string]*app{}
	for _, a := range w.Apps {
		e.apps[a.ID] = a.record()
	}
	e.tokens = map[string]*token{}
	for _, t := range w.Tokens {
		e.tokens[t.Value] = t.record()
	}
	e.codes = map[string]*authCode{}
	for _, c := range w.Codes {
		e.codes[c.Code] = c.record()
	}
	e.containers = map[string]*container{}
	for _, c := range w.Containers {
		e.containers[c.ID] = c.record()
	}
	e.media, e.mediaOrder = map[string]*mediaObj{}, nil
	for _, m := range w.Media {
		r := m.record()
		e.media[r.id] = r
		e.mediaOrder = append(e.mediaOrder, r)
	}
	e.quotas = w.Quotas
	if e.quotas == nil {
		e.quotas = map[string]map[string][]time.Time{}
	}
	e.searches = w.Searches
	if e.searches == nil {
		e.searches = map[string][]searchedKeyword{}
	}
	e.demoToken, e.demoUserID, e.demoAppID, e.demoAppSecret = w.DemoToken, w.DemoUserID, w.DemoAppID, w.DemoAppSecret
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Close releases the state file's lock handle; the world stays saved. An
// emulator without a state file has nothing to release. Requests after Close
// are not persisted.
func (e *Emulator) Close() error {
	e.stopWebhooks()
	st := e.store
	if st == nil {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	e.mu.Lock()
	e.store = nil
	e.mu.Unlock()
	return st.lock.Close()
}

// StatePath is where the sandbox keeps its world inside a state directory.
func StatePath(stateDir string) string { return filepath.Join(stateDir, "sandbox", "emulator.json") }
