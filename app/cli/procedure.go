package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"madoguchi/account"
	"madoguchi/auth/card"
	"madoguchi/auth/sso"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/procedures"
	"madoguchi/procedures/checklist"
	"madoguchi/protocol/bundle"
)

func (r *runner) procedureCommand() *cobra.Command {
	env := r.env
	catalog := func() (*procedures.Catalog, error) { return procedures.Bundled(i18n.Languages()) }
	eventArg := func(cmd *cobra.Command, args []string) (*procedures.Event, error) {
		c, err := catalog()
		if err != nil {
			return nil, err
		}
		if e, ok := c.Event(args[0]); ok {
			return e, nil
		}
		var ids []string
		for _, e := range c.Events {
			ids = append(ids, e.ID)
		}
		return nil, usageError{fmt.Sprintf("%s: no life event %q (there are: %v)", cmd.CommandPath(), args[0], ids)}
	}
	completeEvents := func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		c, err := catalog()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var out []string
		for _, e := range c.Events {
			out = append(out, e.ID+"\t"+e.Name.In(env.Tr.Lang()))
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}

	events := &cobra.Command{Use: "events", Short: "the life events Madoguchi guides you through", Args: r.noArgs,
		RunE: func(*cobra.Command, []string) error {
			c, err := catalog()
			if err != nil {
				return err
			}
			type row struct{ ID, Name, Help string }
			var rows []row
			for _, e := range c.Events {
				rows = append(rows, row{e.ID, e.Name.In(env.Tr.Lang()), e.Help.In(env.Tr.Lang())})
			}
			if r.json {
				return writeJSON(env.Stdout, rows)
			}
			for _, x := range rows {
				fmt.Fprintf(env.Stdout, "%-12s %s — %s\n", x.ID, x.Name, x.Help)
			}
			return nil
		}}
	r.jsonFlag(events)

	questions := &cobra.Command{Use: "questions EVENT", Short: "the questions an event may ask (ids, types, choices, conditions)",
		Args: exactArg("life event (see `madoguchi procedure events`)"), ValidArgsFunction: completeEvents,
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := eventArg(cmd, args)
			if err != nil {
				return err
			}
			lang := env.Tr.Lang()
			type choice struct{ ID, Text string }
			type row struct {
				ID          string   `json:"id"`
				Type        string   `json:"type"`
				Text        string   `json:"text"`
				Choices     []choice `json:"choices,omitempty"`
				AskIf       string   `json:"ask_if,omitempty"`
				Known       string   `json:"known,omitempty"`
				KnownSource string   `json:"known_source,omitempty"`
			}
			var rows []row
			for _, q := range e.Questions {
				x := row{ID: q.ID, Type: q.Type, Text: q.Text.In(lang), AskIf: q.AskIf, Known: q.Known, KnownSource: q.KnownSource}
				for _, c := range q.Choices {
					x.Choices = append(x.Choices, choice{c.ID, c.Text.In(lang)})
				}
				rows = append(rows, x)
			}
			if r.json {
				return writeJSON(env.Stdout, rows)
			}
			for _, x := range rows {
				fmt.Fprintf(env.Stdout, "%s (%s): %s\n", x.ID, x.Type, x.Text)
				for _, c := range x.Choices {
					fmt.Fprintf(env.Stdout, "    %s: %s\n", c.ID, c.Text)
				}
				if x.AskIf != "" {
					fmt.Fprintf(env.Stdout, "    %s: %s\n", env.Tr.T("procedure.ask_if"), x.AskIf)
				}
			}
			return nil
		}}
	r.jsonFlag(questions)

	var answersFile string
	f := &ssoFlags{}
	plan := &cobra.Command{Use: "plan EVENT", Short: "what the event means for you: the procedures, in order, with deadlines",
		Long: `Plan the procedures of a life event from an answers file (YAML or JSON keyed
by question id, dates as YYYY-MM-DD; see docs/answers.md). When you are signed
in and keep a residence record, who you are and your household come from it.`,
		Args: exactArg("life event (see `madoguchi procedure events`)"), ValidArgsFunction: completeEvents,
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := eventArg(cmd, args)
			if err != nil {
				return err
			}
			p, facts, _, err := r.planFromFile(cmd.Context(), e, answersFile, f)
			if err != nil {
				return err
			}
			return r.printPlan(p, facts.Today, r.filingChanges(cmd.Context(), f, p, facts))
		}}
	plan.Flags().StringVar(&answersFile, "answers", "", "answers `file` (YAML or JSON)")
	f.register(plan.Flags(), false)
	r.jsonFlag(plan)
	// export makes a command that writes a file made from the plan
	export := func(use, short, flag, written string, make func(*procedures.Plan, rules) ([]byte, error)) *cobra.Command {
		var out string
		c := &cobra.Command{Use: use, Short: short,
			Args: exactArg("life event (see `madoguchi procedure events`)"), ValidArgsFunction: completeEvents,
			RunE: func(cmd *cobra.Command, args []string) error {
				e, err := eventArg(cmd, args)
				if err != nil {
					return err
				}
				if out == "" {
					return usageError{"--" + flag + " OUT is required"}
				}
				p, _, rl, err := r.planFromFile(cmd.Context(), e, answersFile, f)
				if err != nil {
					return err
				}
				data, err := make(p, rl)
				if err != nil {
					return err
				}
				if err := os.WriteFile(out, data, 0o644); err != nil {
					return failure.Wrap(CodeFileUnwritable, err)
				}
				if r.json {
					return writeJSON(env.Stdout, map[string]string{flag: out})
				}
				fmt.Fprintln(env.Stdout, env.Tr.T(written, map[string]any{"File": out}))
				return nil
			}}
		c.Flags().StringVar(&answersFile, "answers", "", "answers `file` (YAML or JSON)")
		c.Flags().StringVar(&out, flag, "", "write it to this `file`")
		c.Flags().StringVar(&f.profile, "profile", defaultProfile(), "municipality profile `file`")
		r.jsonFlag(c)
		return c
	}
	calendar := export("calendar EVENT", "your deadlines as a calendar file (.ics) with reminders", "ics", "procedure.calendar_written",
		func(p *procedures.Plan, _ rules) ([]byte, error) { return []byte(p.ICS(env.Tr, time.Now())), nil })
	checklistCmd := export("checklist EVENT", "the counter visits as a printable checklist (PDF): where, by when, what to bring", "pdf",
		"procedure.checklist_written", func(p *procedures.Plan, rl rules) ([]byte, error) {
			return checklist.PDF(p, env.Tr, rl.overrides, time.Now())
		})
	var yes bool
	handoff := &cobra.Command{Use: "handoff EVENT", Short: "give the plan's certificates to whom they go (your old employer's documents to the new one), after your consent",
		Args: exactArg("life event (see `madoguchi procedure events`)"), ValidArgsFunction: completeEvents,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := eventArg(cmd, args)
			if err != nil {
				return err
			}
			p, _, _, err := r.planFromFile(ctx, e, answersFile, f)
			if err != nil {
				return err
			}
			hs := p.Handoffs()
			if len(hs) == 0 {
				fmt.Fprintln(env.Stdout, env.Tr.T("procedure.no_handoff"))
				return nil
			}
			a, err := r.resume(ctx, f)
			if err != nil {
				return err
			}
			defer closeAccount(a)
			for _, h := range hs {
				fmt.Fprintln(env.Stderr, env.Tr.T("life.handoff_consent", map[string]any{"To": env.Tr.T("recipient." + h.To)}))
				fmt.Fprintln(env.Stderr, env.Tr.T("life.handoff_item", r.disclosed(h.Certificate, h.Fields)))
			}
			if !yes {
				fmt.Fprint(env.Stderr, env.Tr.T("procedure.agree_question"))
				ans, _ := bufio.NewReader(env.Stdin).ReadString('\n')
				if a := strings.ToLower(strings.TrimSpace(ans)); a != "yes" && a != "y" && a != env.Tr.T("cli.yes") {
					return failure.New(CodePresentDeclined, "the person did not agree")
				}
			}
			var sent []string
			for _, h := range hs {
				if err := a.Handoff(ctx, h); err != nil {
					return err
				}
				sent = append(sent, h.Certificate)
			}
			if r.json {
				return writeJSON(env.Stdout, map[string]any{"sent": sent, "to": hs[0].To})
			}
			fmt.Fprintln(env.Stdout, env.Tr.T("life.handed_off", map[string]any{"To": env.Tr.T("recipient." + hs[0].To)}))
			return nil
		}}
	handoff.Flags().StringVar(&answersFile, "answers", "", "answers `file` (YAML or JSON)")
	handoff.Flags().BoolVar(&yes, "yes", false, "consent given beforehand (scripts)")
	handoff.Flags().StringVar(&f.profile, "profile", defaultProfile(), "municipality profile `file`")
	r.jsonFlag(handoff)
	return r.group("procedure", "life events: their questions, your plan of procedures, filing them", events, questions,
		r.startCommand(eventArg, completeEvents), plan, r.submitCommand(eventArg, completeEvents), calendar, checklistCmd, handoff)
}

// submitCommand files an event's online procedures as one bundle signed on
// the card.
func (r *runner) submitCommand(eventArg func(*cobra.Command, []string) (*procedures.Event, error),
	complete func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective)) *cobra.Command {
	env := r.env
	f := &ssoFlags{}
	var answersFile string
	var typed []string
	c := &cobra.Command{Use: "submit EVENT", Short: "file the event's online procedures as one bundle signed on your card",
		Long: `Sign the plan's online procedures as ONE bundle on your card (signing
password) and file it with the municipality. Your answers are kept as a
draft; sending again after any failure never files twice.`,
		Args: exactArg("life event (see `madoguchi procedure events`)"), ValidArgsFunction: complete,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := eventArg(cmd, args)
			if err != nil {
				return err
			}
			if answersFile == "" {
				return usageError{"--answers FILE is required"}
			}
			data, err := readAnswers(ctx, answersFile)
			if err != nil {
				return err
			}
			fields := map[string]string{}
			for _, kv := range typed {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					return usageError{"--field PROCEDURE.FIELD=VALUE"}
				}
				fields[k] = v
			}
			parsed, err := e.ParseAnswers(data)
			if err != nil {
				return err
			}
			a, err := r.resume(ctx, f)
			if err != nil {
				return err
			}
			defer closeAccount(a)
			facts, err := a.ResidenceFacts(ctx, true)
			if err != nil {
				return err
			}
			enc, err := e.EncodeAnswers(parsed)
			if err != nil {
				return err
			}
			// fields typed before (a first filing) stay; a --field given now
			// replaces its value
			if d, _, err := a.LoadDraft(ctx, e.ID); err == nil {
				for k, v := range d.Typed {
					if _, given := fields[k]; !given {
						fields[k] = v
					}
				}
			}
			if _, err := a.SaveAnswers(ctx, e.ID, enc, fields); err != nil {
				return err
			}
			rules, err := municipal(f.profile, e)
			if err != nil {
				return err
			}
			facts.Profile = rules.facts
			plan, err := rules.event.Plan(facts, parsed, rules.calendar)
			if err != nil {
				return err
			}
			in, err := a.Intake()
			if err != nil {
				return err
			}
			// the reader is opened when the card is first needed: a refusal
			// that needs no card (too early, nothing changed, a field to
			// type) comes without asking for one
			var sess *card.Session
			done := func() {}
			defer func() { done() }()
			lazy := func(fn func(*card.Session) error) error {
				if sess == nil {
					s, d, err := f.src.open(ctx)
					if err != nil {
						return err
					}
					sess, done = s, d
				}
				return fn(sess)
			}
			// what goes with the bundle, before the signing password is asked
			// (after filing: only with what is sent again)
			attached := plan.Attachments()
			if changes, _, err := a.Changes(ctx, plan, facts); err == nil && changes != nil {
				var send []bundle.Application
				for _, c := range changes {
					if c.Sends() {
						send = append(send, *c.Application)
					}
				}
				attached = plan.AttachmentsFor(send)
			}
			for _, at := range attached {
				fmt.Fprintln(env.Stderr, env.Tr.T("life.attachment", r.disclosed(at.Certificate, at.Fields)))
			}
			pr := newPINReader(env, f.stdin, f.yesLast)
			res, err := a.File(ctx, account.FileRequest{Plan: plan, Facts: facts, Card: lazy, Prompt: pr.prompt, Intake: in})
			if err != nil {
				return err
			}
			if r.json {
				return writeJSON(env.Stdout, res)
			}
			if res.Repeated {
				key := "procedure.already_filed"
				if res.Bundle == "" {
					key = "procedure.nothing_changed"
				}
				fmt.Fprintln(env.Stdout, env.Tr.T(key))
			}
			r.printReceipts(e, res.Receipts)
			return nil
		}}
	c.Flags().StringVar(&answersFile, "answers", "", "answers `file` (YAML or JSON; see docs/answers.md)")
	c.Flags().StringArrayVar(&typed, "field", nil, "a field nobody knew, typed: PROCEDURE.FIELD=VALUE (repeatable)")
	f.register(c.Flags(), true)
	r.jsonFlag(c)
	return c
}

func (r *runner) printReceipts(e *procedures.Event, rs []bundle.Receipt) {
	env, tr := r.env, r.env.Tr
	for _, rc := range rs {
		name := rc.Procedure
		if e != nil {
			if p, ok := e.Procedure(rc.Procedure); ok {
				name = p.Name.Counter(tr.Lang())
			}
		}
		fmt.Fprintf(env.Stdout, "%s  %s  %s", rc.Number, tr.T("status."+rc.Status), name)
		switch {
		case rc.Kind == bundle.KindCorrection:
			fmt.Fprintf(env.Stdout, " (%s)", tr.T("receipt.corrects", map[string]any{"Receipt": rc.Corrects}))
		case rc.Kind == bundle.KindWithdrawal:
			fmt.Fprintf(env.Stdout, " (%s)", tr.T("receipt.withdraws", map[string]any{"Receipt": rc.Corrects}))
		}
		if rc.CorrectedBy != "" {
			fmt.Fprintf(env.Stdout, " (%s)", tr.T("receipt.corrected_by", map[string]any{"Receipt": rc.CorrectedBy}))
		}
		if rc.Note != "" {
			fmt.Fprintf(env.Stdout, " — %s", rc.Note)
		}
		fmt.Fprintln(env.Stdout)
	}
}

func (r *runner) applicationsCommand() *cobra.Command {
	env := r.env
	f := &ssoFlags{}
	c := &cobra.Command{Use: "applications", Short: "your filed applications and their status", Args: r.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := r.resume(ctx, f)
			if err != nil {
				return err
			}
			defer closeAccount(a)
			in, err := a.Intake()
			if err != nil {
				return err
			}
			rs, stale, err := a.Receipts(ctx, in)
			if stale && err != nil && len(rs) == 0 {
				return err
			}
			if r.json {
				return writeJSON(env.Stdout, map[string]any{"receipts": rs, "stale": stale})
			}
			if stale {
				fmt.Fprintln(env.Stderr, env.Tr.T("applications.stale"))
			}
			if len(rs) == 0 {
				fmt.Fprintln(env.Stdout, env.Tr.T("applications.none"))
			}
			cat, _ := procedures.Bundled(i18n.Languages())
			for _, rc := range rs {
				var ev *procedures.Event
				if cat != nil {
					for _, e := range cat.Events {
						if _, ok := e.Procedure(rc.Procedure); ok {
							ev = e
							break
						}
					}
				}
				r.printReceipts(ev, []bundle.Receipt{rc})
			}
			return nil
		}}
	f.register(c.Flags(), false)
	r.jsonFlag(c)
	return c
}

// planFromFile plans e from an answers file, with what the kept residence
// record says and the municipality's own rules.
func (r *runner) planFromFile(ctx context.Context, e *procedures.Event, answersFile string, f *ssoFlags) (*procedures.Plan, procedures.Facts, rules, error) {
	if answersFile == "" {
		return nil, procedures.Facts{}, rules{}, usageError{"--answers FILE is required"}
	}
	data, err := readAnswers(ctx, answersFile)
	if err != nil {
		return nil, procedures.Facts{}, rules{}, err
	}
	a, err := e.ParseAnswers(data)
	if err != nil {
		return nil, procedures.Facts{}, rules{}, err
	}
	rl, err := municipal(f.profile, e)
	if err != nil {
		return nil, procedures.Facts{}, rules{}, err
	}
	facts := r.knownFacts(ctx, f)
	facts.Profile = rl.facts
	p, err := rl.event.Plan(facts, a, rl.calendar)
	return p, facts, rl, err
}

// filed is what the plan changes against what was filed (nothing when
// signed out or nothing was filed).
type filed struct {
	changes  []procedures.Change
	newEvent bool
}

func (r *runner) filingChanges(ctx context.Context, f *ssoFlags, p *procedures.Plan, facts procedures.Facts) filed {
	a, err := r.resume(ctx, f)
	if err != nil {
		return filed{}
	}
	defer closeAccount(a)
	ch, ne, err := a.Changes(ctx, p, facts)
	if err != nil {
		return filed{}
	}
	return filed{ch, ne}
}

// knownFacts is what the kept residence record says (nothing when signed
// out or without one: the questions then ask).
func (r *runner) knownFacts(ctx context.Context, f *ssoFlags) procedures.Facts {
	none := procedures.Facts{Today: time.Now()}
	a, err := r.resume(ctx, f)
	if err != nil {
		return none
	}
	defer closeAccount(a)
	facts, err := a.ResidenceFacts(ctx, false)
	if err != nil {
		return none
	}
	return facts
}

type planItemJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// NameJA is the Japanese name, the one the counter knows.
	NameJA       string `json:"name_ja"`
	Why          string `json:"why"`
	LostIfMissed string `json:"lost_if_missed,omitempty"`
	Basis        string `json:"basis"`
	Office       string `json:"office"`
	// Channel is how it is done now (the counter once an online window
	// has closed); Window where that window stands.
	Channel string `json:"channel"`
	Window  string `json:"window,omitempty"`
	// Filer, Attend, Proxy and Secrets say who files, who goes in person,
	// what someone acting for them needs, and which of the card's secrets;
	// Who says it in words.
	Filer    string   `json:"filer"`
	Claimant string   `json:"claimant,omitempty"`
	Attend   string   `json:"attend,omitempty"`
	Proxy    string   `json:"proxy,omitempty"`
	Secrets  []string `json:"secrets,omitempty"`
	Who      []string `json:"who"`
	Urgent   bool     `json:"urgent,omitempty"`
	// OwnSignature: the person signs it themselves (a proxy prepares it).
	OwnSignature bool                 `json:"own_signature,omitempty"`
	Deadline     *procedures.Deadline `json:"deadline,omitempty"`
	DaysLeft     *int                 `json:"days_left,omitempty"`
	// DeadlineNotes say how the deadline was counted, what moved it and
	// by which rule, and any hard limit beside it.
	DeadlineNotes []string `json:"deadline_notes,omitempty"`
	Bring         []string `json:"bring,omitempty"`
	// Filing says, once something was filed for the event, what stands
	// and what filing now would send (a correction, a withdrawal).
	Filing *filingJSON `json:"filing,omitempty"`
}

type filingJSON struct {
	Change  string   `json:"change"` // new, corrected, unchanged, withdrawn, at-counter
	Receipt string   `json:"receipt,omitempty"`
	Fields  []string `json:"changed_fields,omitempty"`
	Says    string   `json:"says"`
}

func (r *runner) printPlan(p *procedures.Plan, today time.Time, fd filed) error {
	env, tr := r.env, r.env.Tr
	lang := tr.Lang()
	change := func(id string) (*filingJSON, bool) {
		for _, c := range fd.changes {
			if c.Procedure == id {
				return &filingJSON{Change: c.Change, Receipt: c.Receipt, Fields: c.Fields, Says: c.Say(tr)}, true
			}
		}
		return nil, false
	}
	var withdrawals []planItemJSON
	for _, c := range fd.changes {
		if c.Change != procedures.ChangeWithdrawn {
			continue
		}
		j := planItemJSON{ID: c.Procedure, Name: c.Procedure}
		if pr, ok := p.Event.Procedure(c.Procedure); ok {
			j.Name, j.NameJA = pr.Name.In(lang), pr.Name.In("ja")
		}
		j.Filing, _ = change(c.Procedure)
		withdrawals = append(withdrawals, j)
	}
	var items []planItemJSON
	for _, it := range p.Items {
		pr := it.Procedure
		j := planItemJSON{ID: pr.ID, Name: pr.Name.In(lang), NameJA: pr.Name.In("ja"), Why: pr.Why.In(lang), LostIfMissed: pr.LostIfMissed.In(lang),
			Basis: pr.Basis.In(lang), Office: pr.Office, Channel: it.Channel, Window: it.Window, Filer: pr.Filer, Claimant: it.Claimant,
			Attend: pr.Attend, Proxy: pr.Proxy, Secrets: pr.Secrets, Who: it.Who(tr, r.as), Urgent: pr.Urgent,
			OwnSignature: pr.OwnSignature, Deadline: it.Deadline, DeadlineNotes: it.DeadlineNotes(tr)}
		j.Filing, _ = change(pr.ID)
		if it.Deadline != nil {
			n := it.DaysLeft
			j.DaysLeft = &n
		}
		for _, d := range it.Documents {
			if b := d.Bring.In(lang); b != "" {
				j.Bring = append(j.Bring, b)
			}
		}
		items = append(items, j)
	}
	if r.json {
		known := map[string]procedures.Sourced{}
		for k, v := range p.State.Values {
			if v.Source != "answer" {
				known[k] = v
			}
		}
		out := map[string]any{"event": p.Event.ID, "items": items, "known": known, "questions_asked": p.State.Asked}
		if len(withdrawals) > 0 {
			out["withdrawals"] = withdrawals
		}
		if fd.newEvent {
			out["new_event"] = true
		}
		return writeJSON(env.Stdout, out)
	}
	fmt.Fprintf(env.Stdout, "%s\n\n", p.Event.Name.In(lang))
	if fd.newEvent {
		fmt.Fprintf(env.Stdout, "%s\n\n", tr.T("filing.new_event"))
	}
	for i, j := range items {
		mark := ""
		if j.Urgent {
			mark = "⚠ "
		}
		name := j.Name
		if j.NameJA != "" && j.NameJA != name {
			name += " (" + j.NameJA + ")" // the name the counter knows
		}
		fmt.Fprintf(env.Stdout, "%d. %s%s\n", i+1, mark, name)
		fmt.Fprintf(env.Stdout, "   %s · %s\n", tr.T("office."+j.Office), tr.T("channel."+j.Channel))
		if d := j.Deadline; d != nil {
			line := tr.T("plan.deadline", map[string]any{"Date": tr.DateWithEra(d.Effective), "Days": *j.DaysLeft})
			if *j.DaysLeft < 0 {
				line = tr.T("plan.overdue", map[string]any{"Date": tr.DateWithEra(d.Effective), "Days": -*j.DaysLeft})
			}
			fmt.Fprintf(env.Stdout, "   %s\n", line)
			for _, n := range j.DeadlineNotes {
				fmt.Fprintf(env.Stdout, "   %s\n", n)
			}
			if !d.Opens.IsZero() && d.Opens.After(today) && j.Window == "" {
				fmt.Fprintf(env.Stdout, "   %s\n", tr.T("plan.opens", map[string]any{"Date": tr.DateWithEra(d.Opens)}))
			}
		}
		fmt.Fprintf(env.Stdout, "   %s\n", j.Why)
		for _, w := range j.Who {
			fmt.Fprintf(env.Stdout, "   %s\n", w)
		}
		for _, b := range j.Bring {
			fmt.Fprintf(env.Stdout, "   ・%s\n", b)
		}
		if j.OwnSignature && r.as != "" {
			fmt.Fprintf(env.Stdout, "   %s\n", tr.T("plan.own_signature"))
		}
		if j.LostIfMissed != "" {
			fmt.Fprintf(env.Stdout, "   %s %s\n", tr.T("plan.lost"), j.LostIfMissed)
		}
		if j.Filing != nil {
			fmt.Fprintf(env.Stdout, "   %s\n", j.Filing.Says)
		}
	}
	if len(withdrawals) > 0 {
		fmt.Fprintf(env.Stdout, "\n%s\n", tr.T("filing.withdrawals"))
		for _, w := range withdrawals {
			fmt.Fprintf(env.Stdout, "・%s\n   %s\n", w.Name, w.Filing.Says)
		}
	}
	return nil
}

// rules are a municipality's view of an event: the bundled catalogue with
// the profile's overrides, its office calendar, what conditions see of it.
type rules struct {
	overrides procedures.Overrides
	event     *procedures.Event
	calendar  *procedures.Calendar
	facts     procedures.ProfileFacts
}

// municipal reads the profile's own rules for e (the bundled ones when the
// profile cannot be read: planning needs no sign-in).
func municipal(profilePath string, e *procedures.Event) (rules, error) {
	out := rules{event: e, calendar: procedures.NewCalendar(nil)}
	p, err := sso.LoadProfile(profilePath)
	if err != nil {
		return out, nil
	}
	o, err := procedures.ParseOverrides(p.Procedures)
	if err != nil {
		return out, err
	}
	cat, err := procedures.Bundled(i18n.Languages())
	if err != nil {
		return out, err
	}
	if cat, err = cat.Apply(o, procedures.ProfileLanguages); err != nil {
		return out, err
	}
	if ev, ok := cat.Event(e.ID); ok {
		out.event = ev
	}
	out.overrides, out.calendar, out.facts = o, o.Calendar(), o.Profile(p.ID)
	return out, nil
}

// resume takes up the kept session of the profile; with --as, acting for
// that principal (said on stderr, so nobody acts for someone unawares).
// Close the result with closeAccount.
func (r *runner) resume(ctx context.Context, f *ssoFlags) (*account.Account, error) {
	c, err := f.client(ctx)
	if err != nil {
		return nil, err
	}
	a, err := account.Resume(c, accountOptions(r.env))
	if err != nil || r.as == "" {
		return a, err
	}
	as, err := a.ActAs(ctx, r.as)
	if err != nil {
		a.Close()
		return nil, err
	}
	fmt.Fprintln(r.env.Stderr, r.env.Tr.T("proxy.acting_as", map[string]any{"Name": as.Name()}))
	return as, nil
}

// closeAccount closes an account and, acting for someone, the person's own.
func closeAccount(a *account.Account) {
	a.Close()
	a.Own().Close()
}

// disclosed is the template data naming a certificate and the only fields
// shown of it.
func (r *runner) disclosed(kind string, fields []string) map[string]any {
	tr := r.env.Tr
	names := make([]string, 0, len(fields))
	for _, fl := range fields {
		names = append(names, tr.T("field."+fl))
	}
	return map[string]any{"Certificate": tr.T("certkind." + kind), "Fields": strings.Join(names, tr.T("list.separator"))}
}

// readAnswers reads an answers file, at most procedures.MaxAnswersSize
// bytes (/dev/zero is refused, not read to the end of memory), and gives
// up when ctx ends (a FIFO nobody writes to: Ctrl-C still stops it).
func readAnswers(ctx context.Context, path string) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	var mu sync.Mutex
	var f *os.File
	go func() {
		file, err := os.Open(path) // a FIFO blocks here until a writer comes
		if err != nil {
			done <- result{err: usageError{err.Error()}}
			return
		}
		mu.Lock()
		f = file
		mu.Unlock()
		defer file.Close()
		b, err := io.ReadAll(io.LimitReader(file, procedures.MaxAnswersSize+1))
		if err != nil {
			done <- result{err: usageError{err.Error()}}
			return
		}
		done <- result{data: b}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-ctx.Done():
		mu.Lock()
		if f != nil {
			f.Close()
		}
		mu.Unlock()
		return nil, &failure.Error{Code: failure.Cancelled, Err: ctx.Err()}
	}
}
