package store

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// ErrUndecryptable means a stored value is sealed but cannot be opened: it names a key id that the configured
// keys do not hold, no keys are configured at all, or the value fails authentication (the wrong key under that
// id, or a value altered in Redis). It is a configuration problem for the operator, never the member's doing.
var ErrUndecryptable = errors.New("stored value cannot be decrypted")

// sealedPrefix starts every sealed value. No value fulcrum ever wrote in the clear starts with it (they are JSON
// objects), so values written before keys were configured still load as they are.
const sealedPrefix = "enc1:"

// Sealer encrypts what the store writes about members with AES-256-GCM. It holds one or more keys, each with an
// id; the first is current and seals every new value, and the others only open values sealed before a rotation.
// A sealed value is "enc1:<key id>:" followed by the base64 (unpadded, URL alphabet) of a random 12-byte nonce
// and the ciphertext. The associated data binds each value to what it is and whose it is (a session id, a
// handoff reference), so a sealed value copied to another member's key does not open there.
//
// A nil *Sealer seals nothing and opens only plaintext: the store without keys behaves as it always did.
type Sealer struct {
	current string
	aeads   map[string]cipher.AEAD
}

// SealerKey is one AES-256 key with its id.
type SealerKey struct {
	// ID names the key in every value it seals: letters, digits, '-' and '_', at most 16 characters.
	ID string
	// Key is 32 bytes.
	Key []byte
}

// NewSealer returns a sealer whose current key is the first.
func NewSealer(keys ...SealerKey) (*Sealer, error) {
	if len(keys) == 0 {
		return nil, errors.New("encryption keys: none given")
	}
	s := &Sealer{current: keys[0].ID, aeads: map[string]cipher.AEAD{}}
	for i, k := range keys {
		if !validKeyID(k.ID) {
			return nil, fmt.Errorf("encryption keys: key %d: the id must be 1 to 16 letters, digits, '-' or '_'", i+1)
		}
		if _, dup := s.aeads[k.ID]; dup {
			return nil, fmt.Errorf("encryption keys: key id %q appears twice", k.ID)
		}
		if len(k.Key) != 32 {
			return nil, fmt.Errorf("encryption keys: key %q is %d bytes, want 32 (AES-256)", k.ID, len(k.Key))
		}
		block, err := aes.NewCipher(k.Key)
		if err != nil {
			return nil, fmt.Errorf("encryption keys: key %q: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("encryption keys: key %q: %w", k.ID, err)
		}
		s.aeads[k.ID] = aead
	}
	return s, nil
}

// ParseKeys reads FULCRUM_ENCRYPTION_KEY: comma-separated "id:base64key" pairs, the first being the current key,
// or one bare base64 key, which gets the id "1". Keys are 32 bytes in standard or URL base64, padded or not. An
// empty string gives a nil Sealer (no encryption). Errors name the key's position or id, never its material.
func ParseKeys(v string) (*Sealer, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	keys := make([]SealerKey, 0, len(parts))
	for i, part := range parts {
		part = strings.TrimSpace(part)
		id, b64, ok := strings.Cut(part, ":")
		if !ok {
			if len(parts) > 1 {
				return nil, fmt.Errorf("parse FULCRUM_ENCRYPTION_KEY: entry %d is not id:base64key", i+1)
			}
			id, b64 = "1", part
		}
		id = strings.TrimSpace(id)
		key, err := decodeKey(strings.TrimSpace(b64))
		if err != nil {
			return nil, fmt.Errorf("parse FULCRUM_ENCRYPTION_KEY: entry %d: the key is not base64", i+1)
		}
		keys = append(keys, SealerKey{ID: id, Key: key})
	}
	s, err := NewSealer(keys...)
	if err != nil {
		return nil, fmt.Errorf("parse FULCRUM_ENCRYPTION_KEY: %w", err)
	}
	return s, nil
}

// decodeKey accepts the base64 alphabets and paddings that key generators commonly print.
func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding,
		base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

func validKeyID(id string) bool {
	if id == "" || len(id) > 16 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// CurrentKeyID returns the id of the key that seals new values; empty for a nil Sealer.
func (s *Sealer) CurrentKeyID() string {
	if s == nil {
		return ""
	}
	return s.current
}

// Seal encrypts plain for the purpose named by aad (what the value is and whose). A nil Sealer returns plain as
// it is; so does an empty plain, which stores nothing worth hiding and keeps "empty" testable in scripts.
func (s *Sealer) Seal(plain []byte, aad string) []byte {
	if s == nil || len(plain) == 0 {
		return plain
	}
	aead := s.aeads[s.current]
	buf := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(buf); err != nil {
		panic("crypto/rand failed: " + err.Error()) // crypto/rand.Read never fails on supported platforms.
	}
	buf = aead.Seal(buf, buf, plain, []byte(aad))
	out := make([]byte, 0, len(sealedPrefix)+len(s.current)+1+base64.RawURLEncoding.EncodedLen(len(buf)))
	out = append(out, sealedPrefix...)
	out = append(out, s.current...)
	out = append(out, ':')
	return base64.RawURLEncoding.AppendEncode(out, buf)
}

// Sealed reports whether a stored value is sealed.
func Sealed(stored []byte) bool { return bytes.HasPrefix(stored, []byte(sealedPrefix)) }

// Open decrypts a stored value sealed for aad. A value that is not sealed (written before keys were configured)
// is returned as it is, with or without a Sealer. Failures are ErrUndecryptable and never include the value.
func (s *Sealer) Open(stored []byte, aad string) ([]byte, error) {
	if !Sealed(stored) {
		return stored, nil
	}
	id, body, ok := bytes.Cut(stored[len(sealedPrefix):], []byte(":"))
	if !ok {
		return nil, fmt.Errorf("%w: malformed sealed value", ErrUndecryptable)
	}
	if s == nil {
		return nil, fmt.Errorf("%w: it was sealed with key %q and no FULCRUM_ENCRYPTION_KEY is set",
			ErrUndecryptable, safeID(id))
	}
	aead, ok := s.aeads[string(id)]
	if !ok {
		return nil, fmt.Errorf("%w: it was sealed with key %q, which FULCRUM_ENCRYPTION_KEY does not hold",
			ErrUndecryptable, safeID(id))
	}
	raw, err := base64.RawURLEncoding.DecodeString(string(body))
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, fmt.Errorf("%w: malformed sealed value", ErrUndecryptable)
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, raw[:n], raw[n:], []byte(aad))
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed with key %q (a different key under that id, or the "+
			"value was altered)", ErrUndecryptable, safeID(id))
	}
	return plain, nil
}

// safeID returns a key id read from Redis fit for an error message.
func safeID(id []byte) string {
	if !validKeyID(string(id)) {
		return "(invalid id)"
	}
	return string(id)
}

// Associated data for each kind of sealed value: what it is and whose, so that values cannot be swapped.
func sessionAAD(sessionID string) string { return "session\x00" + sessionID }

func cardAAD(ref string) string { return "card\x00" + ref }

func noteAAD(ref string) string { return "note\x00" + ref }

func promptAAD(sessionID string) string { return "prompt\x00" + sessionID }

func alertAAD(sessionID string) string { return "alert\x00" + sessionID }
