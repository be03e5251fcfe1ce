package sqlite

import (
	"context"
	"database/sql"

	"duijie/internal/duijie"
)

// Seed is a whole data set for a new store: organisations, postings and
// users with their password hashes.
type Seed struct {
	Orgs         []duijie.Organization
	Challenges   []duijie.Challenge
	Capabilities []duijie.Capability
	Users        []SeedUser
}

// SeedUser is a user and the hash of the password issued for it.
type SeedUser struct {
	User duijie.User
	Hash string
}

// Seed writes s in one transaction: afterwards the store holds all of it
// or none of it. beforeCommit runs last inside the transaction (to keep
// the issued passwords somewhere first); its error rolls everything back.
func (db *DB) Seed(ctx context.Context, s *Seed, beforeCommit func() error) error {
	for i := range s.Orgs {
		if err := s.Orgs[i].Validate(); err != nil {
			return err
		}
	}
	for i := range s.Challenges {
		if err := s.Challenges[i].Validate(); err != nil {
			return err
		}
	}
	for i := range s.Capabilities {
		if err := s.Capabilities[i].Validate(); err != nil {
			return err
		}
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		for i := range s.Orgs {
			if err := db.putOrganization(ctx, tx, &s.Orgs[i]); err != nil {
				return err
			}
		}
		for i := range s.Challenges {
			if err := db.putChallenge(ctx, tx, &s.Challenges[i]); err != nil {
				return err
			}
		}
		for i := range s.Capabilities {
			if err := db.putCapability(ctx, tx, &s.Capabilities[i]); err != nil {
				return err
			}
		}
		for i := range s.Users {
			u := &s.Users[i]
			if err := db.insertUser(ctx, tx, &u.User, u.Hash, u.User.MustChange); err != nil {
				return err
			}
		}
		if beforeCommit != nil {
			return beforeCommit()
		}
		return nil
	})
}
