package clientconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// member is one key of a JSON object, in file order.
type member struct {
	key string
	val json.RawMessage
}

// parseObject reads a JSON object keeping its keys in order. Empty input is
// an empty object.
func parseObject(b []byte) ([]member, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("not valid JSON (comments are not supported; edit the file by hand): %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("the file is not a JSON object")
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not valid JSON: %w", err)
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("not valid JSON (comments are not supported; edit the file by hand): %w", err)
		}
		out = append(out, member{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("not valid JSON: data after the object")
	}
	return out, nil
}

// encodeObject writes members as an indented JSON object (two spaces, one
// trailing newline at the top level).
func encodeObject(ms []member, prefix string) []byte {
	if len(ms) == 0 {
		return []byte("{}")
	}
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, m := range ms {
		k, _ := json.Marshal(m.key)
		var v bytes.Buffer
		if err := json.Indent(&v, m.val, prefix+"  ", "  "); err != nil {
			v.Reset()
			v.Write(m.val)
		}
		fmt.Fprintf(&b, "%s  %s: %s", prefix, k, v.Bytes())
		if i < len(ms)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(prefix + "}")
	return b.Bytes()
}

func find(ms []member, key string) int {
	for i, m := range ms {
		if m.key == key {
			return i
		}
	}
	return -1
}

// jsonSet puts entry under servers.name in the document old.
func jsonSet(old []byte, servers string, e Entry, entry jsonServer, force bool) ([]byte, error) {
	top, err := parseObject(old)
	if err != nil {
		return nil, err
	}
	var list []member
	i := find(top, servers)
	if i >= 0 {
		if list, err = parseObject(top[i].val); err != nil {
			return nil, fmt.Errorf("%q: %w", servers, err)
		}
	}
	val, err := json.Marshal(entry)
	if err != nil {
		return nil, err
	}
	if j := find(list, e.Name); j >= 0 {
		if sameJSON(list[j].val, val) {
			return old, nil
		}
		if !force {
			return nil, fmt.Errorf("%w: %q is already configured with other settings (pass --force to replace it)", ErrExists, e.Name)
		}
		list[j].val = val
	} else {
		list = append(list, member{e.Name, val})
	}
	enc := encodeObject(list, "  ")
	if i >= 0 {
		top[i].val = enc
	} else {
		top = append(top, member{servers, enc})
	}
	return append(encodeObject(top, ""), '\n'), nil
}

// jsonDelete removes servers.name from the document old.
func jsonDelete(old []byte, servers, name string) ([]byte, error) {
	top, err := parseObject(old)
	if err != nil {
		return nil, err
	}
	i := find(top, servers)
	if i < 0 {
		return old, nil
	}
	list, err := parseObject(top[i].val)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", servers, err)
	}
	j := find(list, name)
	if j < 0 {
		return old, nil
	}
	list = append(list[:j], list[j+1:]...)
	top[i].val = encodeObject(list, "  ")
	return append(encodeObject(top, ""), '\n'), nil
}

// sameJSON reports whether a and b encode the same value.
func sameJSON(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	ca, _ := json.Marshal(va)
	cb, _ := json.Marshal(vb)
	return bytes.Equal(ca, cb)
}
