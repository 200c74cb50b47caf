package cli

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"madoguchi/account"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/procedures"
	"madoguchi/procedures/checklist"
)

// letterCommand writes the letter of authorisation (委任状) a proxy carries
// to the counter for what they may not file online for the principal.
func (r *runner) letterCommand() *cobra.Command {
	env := r.env
	f := &ssoFlags{}
	var answersFile, out string
	c := &cobra.Command{Use: "letter EVENT", Short: "acting for someone: the letter of authorisation (委任状, PDF) they sign for what you do at the counter",
		Long: `Write the letter of authorisation (委任状) for the procedures of a life event
that you, acting for a principal (--as), may not file online for them: the
counter visits a letter lets someone else make, and the online procedures
their grant lets you only prepare or that they must sign themselves. Their
name, address and birth date come from their residence record when you keep
one; what is not known is left blank to fill in by hand. One letter for each
municipal office, each from a new page. The principal signs it by hand; you
bring it with your own ID. It never carries a My Number or a PIN.`,
		Args: exactArg("life event (see `madoguchi procedure events`)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if r.as == "" {
				return usageError{cmd.CommandPath() + ": the letter of authorisation is for someone acting for a principal: name them with --as PRINCIPAL (see `madoguchi proxy list`)"}
			}
			if out == "" {
				return usageError{"--out FILE.pdf is required"}
			}
			if answersFile == "" {
				return usageError{"--answers FILE is required"}
			}
			cat, err := procedures.Bundled(i18n.Languages())
			if err != nil {
				return err
			}
			e, ok := cat.Event(args[0])
			if !ok {
				var ids []string
				for _, e := range cat.Events {
					ids = append(ids, e.ID)
				}
				return usageError{fmt.Sprintf("%s: no life event %q (there are: %v)", cmd.CommandPath(), args[0], ids)}
			}
			data, err := readAnswers(ctx, answersFile)
			if err != nil {
				return err
			}
			answers, err := e.ParseAnswers(data)
			if err != nil {
				return err
			}
			rl, err := municipal(f.profile, e)
			if err != nil {
				return err
			}
			a, err := r.resume(ctx, f) // acting for the principal (said on stderr)
			if err != nil {
				return err
			}
			defer closeAccount(a)
			now := time.Now()
			facts, err := a.ResidenceFacts(ctx, false)
			if err != nil {
				facts = procedures.Facts{Today: now} // not known: the questions ask, the letter has blanks
			}
			facts.Profile = rl.facts
			p, err := rl.event.Plan(facts, answers, rl.calendar)
			if err != nil {
				return err
			}
			sel := p.ForLetter(a.ActingAs())
			principal := principalOf(a, facts)
			agent := checklist.Person{Name: a.Own().Name()}
			if own, err := a.Own().ResidenceFacts(ctx, false); err == nil && own.Me.Name != "" {
				agent = checklist.PersonOf(own)
			}
			letters := checklist.Letters(sel, principal, agent, rl.facts.City, now)
			lang := env.Tr.Lang()
			if len(letters) > 0 {
				pdf, err := checklist.LetterPDF(letters...)
				if err != nil {
					return err
				}
				if err := os.WriteFile(out, pdf, 0o644); err != nil {
					return failure.Wrap(CodeFileUnwritable, err)
				}
			}
			if r.json {
				type letterJSON struct {
					To         string   `json:"to"`
					Procedures []string `json:"procedures"`
				}
				person := func(p checklist.Person) map[string]string {
					return map[string]string{"name": p.Name, "address": p.Address, "birth_date": p.BirthDate}
				}
				j := map[string]any{"principal": person(principal), "proxy": person(agent),
					"in_person": procedureIDs(sel.InPerson), "elsewhere": procedureIDs(sel.Elsewhere)}
				ls := []letterJSON{}
				for i, g := range sel.Letters {
					ls = append(ls, letterJSON{letters[i].Municipality, procedureIDs(g.Items)})
				}
				j["letters"] = ls
				if len(letters) > 0 {
					j["pdf"] = out
				}
				return writeJSON(env.Stdout, j)
			}
			tr := env.Tr
			if len(letters) == 0 {
				fmt.Fprintln(env.Stdout, tr.T("proxy.letter.none", map[string]any{"Name": a.Name()}))
			} else {
				fmt.Fprintln(env.Stdout, tr.T("proxy.letter.written", map[string]any{"File": out, "Name": a.Name()}))
				for _, g := range sel.Letters {
					for _, it := range g.Items {
						fmt.Fprintf(env.Stdout, "  - %s (%s)\n", it.Procedure.Name.In(lang), tr.T("office."+it.Procedure.Office))
					}
				}
			}
			for _, it := range sel.InPerson {
				fmt.Fprintln(env.Stdout, tr.T("proxy.letter.in_person", map[string]any{"Name": a.Name(), "Procedure": it.Procedure.Name.In(lang)}))
			}
			for _, it := range sel.Elsewhere {
				fmt.Fprintln(env.Stdout, tr.T("proxy.letter.elsewhere", map[string]any{"Office": tr.T("office." + it.Procedure.Office), "Procedure": it.Procedure.Name.In(lang)}))
			}
			return nil
		}}
	c.Flags().StringVar(&answersFile, "answers", "", "answers `file` (YAML or JSON; see docs/answers.md)")
	c.Flags().StringVar(&out, "out", "", "write the letter to this `file` (PDF)")
	c.Flags().StringVar(&r.as, "as", "", "the `PRINCIPAL` you act for, who signs the letter (their name, subject or grant id; see `madoguchi proxy list`)")
	f.register(c.Flags(), false)
	r.jsonFlag(c)
	return c
}

// principalOf is the principal as their residence record says, else the
// name the municipality gave the grant.
func principalOf(a *account.Account, facts procedures.Facts) checklist.Person {
	if facts.Me.Name == "" {
		return checklist.Person{Name: a.Name()}
	}
	return checklist.PersonOf(facts)
}

func procedureIDs(items []procedures.Item) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Procedure.ID)
	}
	return out
}
