package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// Memberships is what the Discord adapter last learned from Discord of which set-up servers a member belongs
// to: an answer that costs one request per server to get, kept for a short while.
type Memberships struct {
	// Checked are the set-up servers that were asked about, sorted. The answer holds only while the servers set
	// up are the same.
	Checked []string `json:"g"`
	// Member are the servers of Checked the member belongs to, sorted.
	Member []string `json:"m"`
}

// Memberships returns what was remembered of a member's servers, and whether anything was.
func (r *Redis) Memberships(ctx context.Context, sessionID string) (Memberships, bool, error) {
	data, err := r.rdb.Get(ctx, membershipsKey(r.prefix, sessionID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return Memberships{}, false, nil
	}
	if err != nil {
		return Memberships{}, false, fmt.Errorf("load memberships: %w: %w", flows.ErrUnavailable, err)
	}
	var m Memberships
	if err := json.Unmarshal(data, &m); err != nil {
		// Written by another version: as good as nothing, and asked again.
		return Memberships{}, false, nil
	}
	return m, true, nil
}

// SaveMemberships remembers a member's servers for ttl.
func (r *Redis) SaveMemberships(ctx context.Context, sessionID string, m Memberships, ttl time.Duration) error {
	data, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("save memberships: %w", err)
	}
	if err := r.rdb.Set(ctx, membershipsKey(r.prefix, sessionID), data, ttl).Err(); err != nil {
		return fmt.Errorf("save memberships: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// ForgetMemberships deletes what was remembered of a member's servers.
func (r *Redis) ForgetMemberships(ctx context.Context, sessionID string) error {
	if err := r.rdb.Del(ctx, membershipsKey(r.prefix, sessionID)).Err(); err != nil {
		return fmt.Errorf("forget memberships: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}
