package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/term"

	"madoguchi/auth/card"
	"madoguchi/i18n/failure"
)

// pinReader obtains secrets for CLI commands: from the terminal without echo,
// or from standard input (one per line) with --pin-stdin. Never from argv or
// the environment.
type pinReader struct {
	env       *Env
	fromStdin bool
	yesLast   bool
	in        *bufio.Reader
}

func newPINReader(env *Env, fromStdin, yesLast bool) *pinReader {
	return &pinReader{env: env, fromStdin: fromStdin, yesLast: yesLast, in: bufio.NewReader(env.Stdin)}
}

var errNoTerminal = usageError{"no terminal to read the PIN from: use --pin-stdin"}

// line reads one secret as bytes (wipeable), without echo on a terminal.
// Ctrl-C (ctx cancelled) ends the prompt and restores the terminal.
func (p *pinReader) line(ctx context.Context, prompt string) (card.PIN, error) {
	if p.fromStdin {
		b, err := p.in.ReadSlice('\n')
		if err != nil && !(errors.Is(err, io.EOF) && len(b) > 0) {
			return nil, usageError{"--pin-stdin: no PIN on standard input"}
		}
		pin := make(card.PIN, 0, len(b))
		for _, c := range b {
			if c != '\n' && c != '\r' {
				pin = append(pin, c)
			}
		}
		for i := range b { // the bufio buffer held it too
			b[i] = 0
		}
		return pin, nil
	}
	if p.env.TTY == nil || !term.IsTerminal(int(p.env.TTY.Fd())) {
		return nil, errNoTerminal
	}
	fd := int(p.env.TTY.Fd())
	saved, err := term.GetState(fd)
	if err != nil {
		return nil, err
	}
	fmt.Fprint(p.env.Prompt, prompt)
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		fmt.Fprintln(p.env.Prompt)
		if r.err != nil {
			return nil, r.err
		}
		return card.PIN(r.b), nil
	case <-ctx.Done():
		// the reader goroutine stays blocked until the process exits; the
		// terminal gets its echo back now
		_ = term.Restore(fd, saved)
		fmt.Fprintln(p.env.Prompt)
		return nil, &failure.Error{Code: card.CodeCancelled, Err: ctx.Err()}
	}
}

// confirmLast asks before the last try; with --pin-stdin only the explicit
// --yes-last-try flag agrees.
func (p *pinReader) confirmLast(tries int) (bool, error) {
	if tries != 1 {
		return false, nil
	}
	if p.yesLast {
		return true, nil
	}
	if p.fromStdin || p.env.TTY == nil {
		return false, nil // the card layer then refuses with PIN-LAST-TRY
	}
	fmt.Fprint(p.env.Prompt, p.env.Tr.T("cli.last_try_question"))
	ans, err := bufio.NewReader(p.env.TTY).ReadString('\n')
	if err != nil {
		return false, nil
	}
	ans = strings.ToLower(strings.TrimSpace(ans))
	return ans == "yes" || ans == "y" || ans == p.env.Tr.T("cli.yes"), nil
}
