package state

import (
	"bufio"
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// KeyFileName is the key file in the state directory, used when
// THREADS_MCP_SECRET_KEY is not set: one base64 key per line, the first the
// current one, later ones older keys kept while a rotation runs.
const KeyFileName = "secret.key"

// cipherPrefix starts every encrypted secret: "enc1:<key id>:<base64 of
// nonce || AES-256-GCM ciphertext>". A value without it is a plaintext
// secret written before encryption (encrypted at the next Open).
const cipherPrefix = "enc1:"

// ErrUnknownKey is wrapped when a stored secret is encrypted under a key this
// process was not given.
var ErrUnknownKey = errors.New("state: a stored secret is encrypted under a key this process does not have")

// secretKey is one AES-256-GCM key and its id.
type secretKey struct {
	id   string
	aead cipher.AEAD
}

// keyring holds the current key and every key accepted for reading.
type keyring struct {
	file    string // the key file, "" when the current key is from the environment
	env     string
	envPrev []string

	mu      sync.RWMutex
	current *secretKey
	byID    map[string]*secretKey
	stamp   string // the key file's size and time when read, to notice a rotation
}

// newSecretKey builds the key of raw (32 bytes). Its id is the first 8 bytes
// of a SHA-256 of the key, in hex: enough to tell keys apart, useless for
// guessing one.
func newSecretKey(raw []byte) (*secretKey, error) {
	if len(raw) != 32 {
		return nil, fmt.Errorf("state: a secret key is 32 bytes (base64 of 32 random bytes, e.g. `openssl rand -base64 32`), got %d", len(raw))
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, fmt.Errorf("state: secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("state: secret key: %w", err)
	}
	sum := sha256.Sum256(append([]byte("threads-mcp key id\x00"), raw...))
	return &secretKey{id: hex.EncodeToString(sum[:8]), aead: aead}, nil
}

func parseKey(text, what string) (*secretKey, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil {
		return nil, fmt.Errorf("state: %s is not base64: give 32 random bytes in base64 (e.g. `openssl rand -base64 32`)", what)
	}
	k, err := newSecretKey(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return k, nil
}

// loadKeys builds the keyring: env (THREADS_MCP_SECRET_KEY) as the current
// key when set, else the key file of dir (created with one new key when
// missing); prev and the key file's keys are accepted for reading.
func loadKeys(dir, env string, prev []string) (*keyring, error) {
	k := &keyring{env: env, envPrev: prev}
	if env == "" {
		k.file = filepath.Join(dir, KeyFileName)
	}
	if err := k.load(filepath.Join(dir, KeyFileName)); err != nil {
		return nil, err
	}
	return k, nil
}

// load (re)reads the keys: the current one is THREADS_MCP_SECRET_KEY when
// set, else the key file's first; every other key given is accepted for
// reading.
func (k *keyring) load(file string) error {
	var keys []*secretKey // the current one first
	if k.env != "" {
		key, err := parseKey(k.env, EnvSecretKey)
		if err != nil {
			return err
		}
		keys = append(keys, key)
	}
	lines, err := readKeyFile(file)
	if errors.Is(err, os.ErrNotExist) && k.env == "" {
		lines, err = createKeyFile(file)
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for _, l := range lines {
		key, err := parseKey(l, file)
		if err != nil {
			return err
		}
		keys = append(keys, key)
	}
	for _, p := range k.envPrev {
		key, err := parseKey(p, EnvSecretKeyPrevious)
		if err != nil {
			return err
		}
		keys = append(keys, key)
	}
	byID := map[string]*secretKey{}
	for _, key := range keys {
		byID[key.id] = key
	}
	k.mu.Lock()
	k.current, k.byID, k.stamp = keys[0], byID, fileStamp(file)
	k.mu.Unlock()
	return nil
}

// fileStamp identifies a version of file ("" when absent).
func fileStamp(file string) string {
	fi, err := os.Stat(file)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%d/%d", fi.Size(), fi.ModTime().UnixNano())
}

// follow re-reads the key file when another process rotated it, so that
// nothing is sealed under a key the rotation is retiring. Sealing is rare
// (a login, a refresh): one stat each.
func (k *keyring) follow() error {
	if k.file == "" {
		return nil
	}
	k.mu.RLock()
	stamp := k.stamp
	k.mu.RUnlock()
	if fileStamp(k.file) == stamp {
		return nil
	}
	return k.load(k.file)
}

// readKeyFile returns the keys of the key file (blank lines and # comments
// skipped).
func readKeyFile(file string) ([]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("state: the key file %s holds no key; restore it (the stored tokens cannot be read without it)", file)
	}
	return out, nil
}

// createKeyFile creates file with one new key, mode 0600, unless another
// process created it first (then its keys are returned).
func createKeyFile(file string) ([]string, error) {
	key := newKeyText()
	if err := writeKeyFile(file, []string{key}, false); err != nil {
		if errors.Is(err, os.ErrExist) {
			return readKeyFile(file)
		}
		return nil, err
	}
	return []string{key}, nil
}

// writeKeyFile writes keys (the current first) to file with mode 0600:
// through a temporary file, linked in place when !replace (failing with
// os.ErrExist when it exists) or renamed over it when replace.
func writeKeyFile(file string, keys []string, replace bool) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), KeyFileName+".tmp*")
	if err != nil {
		return fmt.Errorf("state: write key file: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	body := "# threads-mcp: the key that encrypts the stored tokens (AES-256-GCM). Keep it secret, back it up.\n" +
		strings.Join(keys, "\n") + "\n"
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("state: write key file: %w", err)
	}
	if _, err := tmp.WriteString(body); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("state: write key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("state: write key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("state: write key file: %w", err)
	}
	if replace {
		err = os.Rename(tmp.Name(), file)
	} else {
		err = os.Link(tmp.Name(), file)
	}
	if err != nil {
		return fmt.Errorf("state: write key file: %w", err)
	}
	return nil
}

func newKeyText() string {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	return base64.StdEncoding.EncodeToString(raw)
}

// seal encrypts plain for the column named by aad; "" stays "".
func (k *keyring) seal(plain, aad string) (string, error) {
	if plain == "" {
		return "", nil
	}
	if err := k.follow(); err != nil {
		return "", err
	}
	k.mu.RLock()
	key := k.current
	k.mu.RUnlock()
	nonce := make([]byte, key.aead.NonceSize())
	_, _ = rand.Read(nonce)
	ct := key.aead.Seal(nonce, nonce, []byte(plain), []byte(aad))
	return cipherPrefix + key.id + ":" + base64.RawStdEncoding.EncodeToString(ct), nil
}

// open decrypts a stored value sealed for aad. A value without the prefix
// is returned as is (a plaintext secret from before encryption). An unknown
// key id re-reads the key file once (another process may have rotated).
func (k *keyring) open(stored, aad string) (string, error) {
	rest, ok := strings.CutPrefix(stored, cipherPrefix)
	if !ok {
		return stored, nil
	}
	id, b64, ok := strings.Cut(rest, ":")
	if !ok {
		return "", errors.New("state: a stored secret is malformed")
	}
	key := k.key(id)
	if key == nil && k.file != "" {
		if err := k.load(k.file); err != nil {
			return "", err
		}
		key = k.key(id)
	}
	if key == nil {
		where := "the key file " + k.file + " does not hold it: restore the key file it was written with"
		if k.file == "" {
			where = "give every process the same " + EnvSecretKey + " (and the old key in " + EnvSecretKeyPrevious + " while a rotation runs)"
		}
		return "", fmt.Errorf("%w (key id %s); %s, or start over (--reset-state, on SQLite) and log in again", ErrUnknownKey, id, where)
	}
	ct, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(ct) < key.aead.NonceSize() {
		return "", errors.New("state: a stored secret is malformed")
	}
	n := key.aead.NonceSize()
	plain, err := key.aead.Open(nil, ct[:n], ct[n:], []byte(aad))
	if err != nil {
		return "", fmt.Errorf("state: a stored secret does not decrypt under key %s (tampered, or moved between rows)", id)
	}
	return string(plain), nil
}

func (k *keyring) key(id string) *secretKey {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.byID[id]
}

func (k *keyring) currentID() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.current.id
}

// sealedUnder reports whether stored is encrypted under the key id.
func sealedUnder(stored, id string) bool {
	return strings.HasPrefix(stored, cipherPrefix+id+":")
}

// The additional data of each encrypted column binds a ciphertext to its
// row: a token copied into another account's row does not decrypt.
func tokenAAD(account string) string  { return "accounts.token\x00" + account }
func secretAAD(account string) string { return "accounts.app_secret\x00" + account }

// secretsLock is the LockTx name of every pass over all secrets.
const secretsLock = "secrets"

// encryptPlaintext encrypts the secrets stored in plaintext (by a version
// before encryption) and checks that every stored secret decrypts with the
// keys given, so a replica with the wrong key fails at start rather than at
// its first call.
func (s *Store) encryptPlaintext(ctx context.Context) error {
	n, err := s.reseal(ctx, func(stored string) bool { return !strings.HasPrefix(stored, cipherPrefix) })
	if err != nil {
		return err
	}
	if n > 0 && s.dialect == SQLite {
		// The plaintext's old page images live in the WAL until a checkpoint.
		if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return fmt.Errorf("state: checkpoint after encrypting: %w", err)
		}
	}
	return nil
}

// reseal re-encrypts under the current key every stored secret for which
// need is true, in one locked transaction, and returns how many it
// rewrote. Every secret is decrypted on the way, need or not.
func (s *Store) reseal(ctx context.Context, need func(stored string) bool) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.LockTx(ctx, tx, secretsLock); err != nil {
			return err
		}
		type row struct{ name, token, secret string }
		rows, err := tx.QueryContext(ctx, `SELECT name, token, app_secret FROM accounts ORDER BY name`)
		if err != nil {
			return fmt.Errorf("state: read secrets: %w", err)
		}
		var all []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.name, &r.token, &r.secret); err != nil {
				rows.Close()
				return fmt.Errorf("state: read secrets: %w", err)
			}
			all = append(all, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("state: read secrets: %w", err)
		}
		for _, r := range all {
			tok, err := s.keys.open(r.token, tokenAAD(r.name))
			if err != nil {
				return fmt.Errorf("account %q: %w", r.name, err)
			}
			sec, err := s.keys.open(r.secret, secretAAD(r.name))
			if err != nil {
				return fmt.Errorf("account %q: %w", r.name, err)
			}
			if !(r.token != "" && need(r.token)) && !(r.secret != "" && need(r.secret)) {
				continue
			}
			sealedTok, err := s.keys.seal(tok, tokenAAD(r.name))
			if err != nil {
				return err
			}
			sealedSec, err := s.keys.seal(sec, secretAAD(r.name))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE accounts SET token = $1, app_secret = $2 WHERE name = $3`,
				sealedTok, sealedSec, r.name); err != nil {
				return fmt.Errorf("state: encrypt the secrets of %q: %w", r.name, err)
			}
			n++
		}
		return nil
	})
	return n, err
}

// RotateReport is what RotateKey did.
type RotateReport struct {
	// KeyID is the id of the key every secret is now encrypted under.
	KeyID string
	// Reencrypted is how many accounts' secrets were rewritten.
	Reencrypted int
	// FromEnv is true when the key is THREADS_MCP_SECRET_KEY (the operator
	// made it); false when it is the key file's (RotateKey made a new one).
	FromEnv bool
}

// RotateKey moves every stored secret to a new key.
//
// With THREADS_MCP_SECRET_KEY set, the new key is that one: set it to the
// new key and THREADS_MCP_SECRET_KEY_PREVIOUS to the old one (on every
// replica), run the rotation, then drop the previous key. Without it,
// RotateKey makes the new key itself: it writes the key file with the new
// key first and the old ones after, re-encrypts every secret, then leaves
// only the new key in the file. A rotation stopped at any point leaves
// every secret readable (each names its key), and running it again
// finishes it; processes sharing the key file re-read it when they meet the
// new key's id.
func (s *Store) RotateKey(ctx context.Context) (RotateReport, error) {
	k := s.keys
	if k.file == "" {
		id := k.currentID()
		n, err := s.reseal(ctx, func(stored string) bool { return !sealedUnder(stored, id) })
		return RotateReport{KeyID: id, Reencrypted: n, FromEnv: true}, err
	}
	old, err := readKeyFile(k.file)
	if err != nil {
		return RotateReport{}, err
	}
	fresh := newKeyText()
	if err := writeKeyFile(k.file, append([]string{fresh}, old...), true); err != nil {
		return RotateReport{}, err
	}
	if err := k.load(k.file); err != nil {
		return RotateReport{}, err
	}
	id := k.currentID()
	n, err := s.reseal(ctx, func(stored string) bool { return !sealedUnder(stored, id) })
	if err != nil {
		return RotateReport{}, err
	}
	if s.dialect == SQLite {
		if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return RotateReport{}, fmt.Errorf("state: checkpoint after rotating: %w", err)
		}
	}
	if err := writeKeyFile(k.file, []string{fresh}, true); err != nil {
		return RotateReport{}, err
	}
	if err := k.load(k.file); err != nil {
		return RotateReport{}, err
	}
	return RotateReport{KeyID: id, Reencrypted: n}, nil
}
