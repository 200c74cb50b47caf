package card

import (
	"context"

	"madoguchi/i18n/failure"
)

// Runner runs fn with the card's session: Monitor.Do (which marks the card
// busy for exactly that long) or, for a session of one's own, Direct.
type Runner func(fn func(*Session) error) error

// Direct is a Runner over a session without a monitor.
func Direct(s *Session) Runner { return func(fn func(*Session) error) error { return fn(s) } }

// PINFirst is the one pattern for every operation that needs a secret
// (attributes, sign-in, PIN change, signing): read the tries left without
// spending one, ask the person — with the card free, not busy, while they
// type — and only then run the whole operation (VERIFY and what it unlocks)
// in one card transaction. The PIN is wiped afterwards, whatever happened.
func PINFirst(ctx context.Context, run Runner, sec Secret, ask PINPrompt, op func(s *Session, pin PIN, confirmLastTry bool) error) error {
	var tries int
	if err := run(func(s *Session) error {
		var err error
		tries, err = s.TriesLeft(ctx, sec)
		return err
	}); err != nil {
		return err
	}
	if tries == 0 {
		return secretFailure(CodePINBlocked, sec, 0)
	}
	pin, confirm, err := ask(ctx, sec, tries)
	if err != nil {
		return err
	}
	defer pin.Wipe()
	if err := ctx.Err(); err != nil {
		return &failure.Error{Code: CodeCancelled, Err: err}
	}
	return run(func(s *Session) error { return op(s, pin, confirm) })
}
