package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/procedures"
)

// maxLine bounds one typed answer (the longest answer is a 200-character
// address line, in UTF-8).
const maxLine = 4 << 10

// startCommand is the terminal interview: procedures.Interview one question
// at a time — the same questions, skips and sources as the window — kept at
// every answer (in the signed-in account's draft, or in --answers FILE),
// so it resumes where it stopped; at the end, the plan.
func (r *runner) startCommand(eventArg func(*cobra.Command, []string) (*procedures.Event, error),
	complete func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective)) *cobra.Command {
	env := r.env
	f := &ssoFlags{}
	var answersFile string
	c := &cobra.Command{Use: "start EVENT", Short: "the interview in the terminal, one question at a time (resumable)",
		Long: `Asks the event's questions one at a time, as the window does, skipping what
your card or residence record already says. Each answer is kept as it is
given: signed in, in your sealed draft (the window continues it, and so does
running this again); with --answers FILE, in that file (then plan it with
"procedure plan EVENT --answers FILE"). Type "back" (or 戻る) to change the
last answer; end of input stops and keeps what was given.`,
		Args: exactArg("life event (see `madoguchi procedure events`)"), ValidArgsFunction: complete,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := eventArg(cmd, args)
			if err != nil {
				return err
			}
			rl, err := municipal(f.profile, e)
			if err != nil {
				return err
			}
			var drafts procedures.Drafts
			facts := procedures.Facts{Today: time.Now()}
			if answersFile != "" {
				drafts = fileDrafts{path: answersFile}
				facts = r.knownFacts(ctx, f)
			} else {
				a, err := r.resume(ctx, f)
				if err != nil {
					return err
				}
				defer closeAccount(a)
				if facts, err = a.ResidenceFacts(ctx, false); err != nil {
					return err
				}
				drafts = a
			}
			facts.Profile = rl.facts
			iv, err := procedures.StartInterview(ctx, rl.event, facts, drafts)
			if err != nil {
				return err
			}
			lines := lineReader(ctx, env.Stdin)
			st, err := iv.Step()
			for err == nil && st.Question != nil {
				r.ask(st)
				var line string
				var ok bool
				select {
				case <-ctx.Done():
					return &failure.Error{Code: failure.Cancelled, Err: ctx.Err()}
				case l, more := <-lines:
					line, ok = l.text, more
					if more && l.err != nil {
						return l.err
					}
				}
				if !ok { // end of input: what was given is kept
					fmt.Fprintln(env.Stderr, env.Tr.T("interview.kept"))
					return nil
				}
				w := strings.TrimSpace(line)
				if w == "back" || w == "戻る" || w == "<" {
					st, err = iv.Back(ctx)
					continue
				}
				if st.Reviewing && (w == "end" || w == "終わり" || w == ">>") {
					st, err = iv.Forward()
					continue
				}
				if st.Reviewing && w == "" { // the answer given before, kept
					st, err = iv.Answer(ctx, st.Question.ID, st.Previous)
					continue
				}
				next, aerr := iv.AnswerText(ctx, st.Question.ID, line)
				if aerr != nil {
					if failure.CodeOf(aerr) == failure.Cancelled || errors.Is(aerr, context.Canceled) {
						return aerr
					}
					x := env.Tr.Explain(aerr)
					fmt.Fprintf(env.Stderr, "%s %s\n", x.Cause, x.Action)
					continue // the same question again
				}
				st = next
			}
			if err != nil {
				return err
			}
			p, err := rl.event.Plan(facts, iv.Answers(), rl.calendar)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout)
			return r.printPlan(p, facts.Today, r.filingChanges(ctx, f, p, facts))
		}}
	c.Flags().StringVar(&answersFile, "answers", "", "keep the answers in this `file` (YAML) instead of the signed-in draft")
	f.register(c.Flags(), false)
	return c
}

// ask prints the question, its help, and its choices numbered.
func (r *runner) ask(st procedures.Step) {
	env, tr := r.env, r.env.Tr
	lang := tr.Lang()
	q := st.Question
	fmt.Fprintf(env.Stderr, "\n%s\n", q.Text.In(lang))
	if h := q.Help.In(lang); h != "" {
		fmt.Fprintf(env.Stderr, "  %s\n", h)
	}
	switch q.Type {
	case procedures.TypeChoice:
		for i, c := range q.Choices {
			fmt.Fprintf(env.Stderr, "  %d. %s\n", i+1, c.Text.In(lang))
		}
	case procedures.TypeMembers:
		for i, m := range st.Members {
			fmt.Fprintf(env.Stderr, "  %d. %s\n", i+1, m)
		}
	}
	hint := tr.T("interview.hint." + q.Type)
	if st.Previous != nil {
		hint += " " + tr.T("interview.previous", map[string]any{"Value": previous(tr, st.Previous)})
	}
	if st.Reviewing {
		hint += " " + tr.T("interview.reviewing")
	}
	fmt.Fprintf(env.Stderr, "  (%s %s)\n> ", hint, tr.T("interview.back"))
}

func previous(tr *i18n.Localizer, v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return tr.T("life.yes")
		}
		return tr.T("life.no")
	case time.Time:
		return x.Format(time.DateOnly)
	case []string:
		return strings.Join(x, ", ")
	}
	return fmt.Sprint(v)
}

type line struct {
	text string
	err  error
}

// lineReader reads lines (each at most maxLine bytes) until the end of
// input; it stops with the context.
func lineReader(ctx context.Context, in io.Reader) <-chan line {
	out := make(chan line)
	go func() {
		defer close(out)
		s := bufio.NewScanner(in)
		s.Buffer(make([]byte, 0, 1024), maxLine)
		for s.Scan() {
			select {
			case out <- line{text: s.Text()}:
			case <-ctx.Done():
				return
			}
		}
		if err := s.Err(); err != nil {
			select {
			case out <- line{err: usageError{fmt.Sprintf("standard input: %v (an answer is at most %d bytes)", err, maxLine)}}:
			case <-ctx.Done():
			}
		}
	}()
	return out
}

// fileDrafts keeps an interview's answers in an answers file (written
// whole at every answer, through a temporary file: a crash leaves the old
// or the new answers, never half).
type fileDrafts struct{ path string }

func (d fileDrafts) LoadAnswers(ctx context.Context, _ string) ([]byte, time.Time, error) {
	fi, err := os.Stat(d.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, usageError{err.Error()}
	}
	data, err := readAnswers(ctx, d.path)
	return data, fi.ModTime(), err
}

func (d fileDrafts) KeepAnswers(_ context.Context, _ string, answers []byte) (time.Time, error) {
	tmp, err := os.CreateTemp(filepath.Dir(d.path), ".answers-*")
	if err != nil {
		return time.Time{}, usageError{err.Error()}
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(answers); err != nil {
		tmp.Close()
		return time.Time{}, usageError{err.Error()}
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return time.Time{}, usageError{err.Error()}
	}
	if err := tmp.Close(); err != nil {
		return time.Time{}, usageError{err.Error()}
	}
	if err := os.Rename(tmp.Name(), d.path); err != nil {
		return time.Time{}, usageError{err.Error()}
	}
	return time.Now(), nil
}
