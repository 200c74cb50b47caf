package ui

import (
	"context"
	"time"

	"madoguchi/i18n/failure"
)

// CardView is what the card-status screen shows about the reader and card.
// State is one of the card state machine's names: "no-reader",
// "reader-empty", "card-present", "card-identified", "busy", "error".
type CardView struct {
	// State names the state for its texts (state.<State>.title); what the
	// screen does follows Identified, Ready and Busy, decided by the card
	// layer's state machine (auth/reader), not by comparing names.
	State  string
	Reader string
	// Kind: "mynumber", "juki", "smartphone", "unknown".
	Kind string
	// Err is set in the "error" state.
	Err error
	// CountersChanged: a PIN went to the card (from any screen); shown
	// retry counters must be read again.
	CountersChanged bool
	// CardReaders: several readers hold a card and none was chosen; the
	// screen asks which card to use (CardService.UseReader).
	CardReaders []string
	// Identified: the card is known; Ready: it is a My Number card (its
	// certificates and PINs can be read); Busy: an operation is talking to
	// it (the same card, still in the reader).
	Identified, Ready, Busy bool
}

// PINCounter is one secret's retry counter.
type PINCounter struct {
	Secret    string // "auth-pin", "sign-password", "input-pin"
	TriesLeft int
	Max       int
	Err       error // e.g. no signing password on a child's card
	// Absent: the card has no such secret at all (a child's card has no
	// signing password): said as such, not as a failure.
	Absent bool
}

// CertView is one certificate's validity, readable without a PIN.
type CertView struct {
	Which    string // "auth", "auth-ca", "sign-ca"
	NotAfter time.Time
	Expired  bool
	Err      error
	// Absent: the card holds no such certificate (a child's card has no
	// signing certificate).
	Absent bool
}

// Attributes are the four attributes read after the input-support PIN.
type Attributes struct {
	Name      string
	Address   string
	BirthDate time.Time
	Sex       int
}

// CardService is what the UI needs from the card layer (implemented in app).
type CardService interface {
	// Watch calls fn with the current view and on every change until stop.
	// fn is called from a background goroutine.
	Watch(fn func(CardView)) (stop func())
	PINCounters(ctx context.Context) ([]PINCounter, error)
	Certificates(ctx context.Context) ([]CertView, error)
	// ReadAttributes reads the four attributes, PIN first: the tries left,
	// then ask (with the card free), then VERIFY and the read in one go.
	ReadAttributes(ctx context.Context, ask PINAsker) (Attributes, error)
	// UseReader follows the card in this reader (the person's choice).
	UseReader(name string)
	// PINFormatOK is the card layer's format rule for a secret (PINRule).
	PINFormatOK(secret string, pin []byte) bool
	// ChangePIN changes a secret of the card: the tries left first, then
	// ask (the current secret and the new one), then the card.
	ChangePIN(ctx context.Context, secret string, ask ChangeAsker) error
}

// ChangeAsker asks for the current secret and the new one (typed twice,
// checked equal), after showing the tries left; the caller wipes both.
type ChangeAsker func(secret string, triesLeft int) (current, next []byte, confirmLast bool, err error)

// DemoResident is a fixture card the demo can put in the reader.
type DemoResident struct {
	ID   string
	Name string
	Role string
}

// DemoControls lets the demo swap, pull out and insert virtual cards.
// Nil outside demo mode.
type DemoControls interface {
	Residents() []DemoResident
	Current() string
	Insert(id string) error
	Remove()
}

// Account is who is signed in.
type Account struct {
	Name string
}

// ConsentAsker asks the person, in plain language and before the card step,
// to agree to scopes beyond the basics; an error (ErrCancelled) stops.
type ConsentAsker func(scopes []string) error

// PINAsker asks the person for a secret with the tries left (read before
// asking); it blocks until they answer or cancel.
type PINAsker func(secret string, triesLeft int) (pin []byte, confirmLast bool, err error)

// SignInService is what the sign-in panel needs (implemented in app).
type SignInService interface {
	// Municipality is the profile's display name in lang.
	Municipality(lang string) string
	// Current is the signed-in account, nil when signed out.
	Current() *Account
	// SignIn signs in with the card: consent first (for what goes beyond
	// the basics), then the auth PIN through ask.
	SignIn(ctx context.Context, ask PINAsker, consent ConsentAsker) (*Account, error)
	// SignOut revokes the session and forgets it on this computer.
	SignOut(ctx context.Context) error
	// Persistent is false when no keyring is available (session only).
	Persistent() bool
}

// ErrCancelled is returned by a PINAsker when the person cancels.
var ErrCancelled = &failure.Error{Code: failure.Cancelled}

// WalletCert is a stored certificate as the certificates screen shows it.
type WalletCert struct {
	ID       string
	Kind     string // residence, tax, attributes
	IssuedAt time.Time
	Expires  time.Time
	Verified bool
	Err      error
	Fields   []Field // the selectively disclosable fields, sorted by name
}

// Field is one certificate field.
type Field struct {
	Name string // a path: "name", "address_parts.prefecture", "household_members[1]"
	// Value as the certificate holds it (string, number, object, list); the
	// screen formats it (i18n.Localizer.FieldValue).
	Value any
}

// AuditRow is one disclosure in the audit log.
type AuditRow struct {
	At          time.Time
	Certificate string
	Kind        string
	Fields      []string
	To          string
	Purpose     string
}

// WalletService is what the certificates screen needs (implemented in app).
type WalletService interface {
	// Ready is false until signed in.
	Ready() bool
	// Kinds are the certificates one can get (the municipality's, and an
	// employer's when the profile names one).
	Kinds() []string
	List(ctx context.Context) ([]WalletCert, error)
	Fetch(ctx context.Context, kind string) (WalletCert, error)
	// Recipient is who a presentation goes to (the sandbox verifier in the
	// demo) and why.
	Recipient() (name, purpose string)
	// Owner is whose certificates these are: "" the person's own, else the
	// name of the principal they act for.
	Owner() string
	// CanPresent is false when presenting is not the person's to do
	// (acting for someone: a grant never covers showing their
	// certificates to third parties).
	CanPresent() bool
	// Present discloses exactly fields to the recipient, after consent.
	Present(ctx context.Context, id string, fields []string) error
	Audit(ctx context.Context) ([]AuditRow, error)
}

// Welcome is offered on first start, before any municipality is chosen
// (implemented in app): try the demo, or choose the municipality by
// importing the profile file it publishes.
type Welcome interface {
	// TryDemo restarts the app in demo mode.
	TryDemo() error
	// ImportProfile checks and installs a municipality profile, then
	// restarts the app with it.
	ImportProfile(data []byte) error
}

// LifeEvent is a tile on the home screen.
type LifeEvent struct {
	ID, Name, Help string
}

// QuestionChoice is one answer of a choice question.
type QuestionChoice struct {
	ID, Text string
}

// Question is one question of a life event, as the wizard shows it.
type Question struct {
	ID   string
	Type string // date, yesno, choice, number, postal, text, members
	Text string
	Help string
	// Choices for choice questions; for members, the household's names.
	Choices []QuestionChoice
	// Value is the answer given before (when going back), or nil.
	Value any
}

// Step is where the interview stands: the question to ask (nil when every
// needed answer is known) and how far along it is.
type Step struct {
	Question *Question
	Answered int // questions the person answered so far
	Known    int // answers that came from the card or the certificates
	// Reviewing: the question was answered before (going back); the
	// answers after it are kept, and Forward goes on to the plan.
	Reviewing bool
	// Saved is when the answers were last kept (zero: not kept — signed
	// out, answers live only in this window).
	Saved time.Time
}

// PlanItem is one procedure of the plan.
type PlanItem struct {
	ID, Name, Why, LostIfMissed, Office, Channel string
	Urgent, Online                               bool
	// Who says who files, who goes in person, what a proxy needs and which
	// of the card's secrets it takes; DeadlineNotes how the deadline was
	// counted, what moved it and by which rule, a hard limit, the online
	// window — each a line in the person's language.
	Who, DeadlineNotes []string
	// Deadline is the effective last day (zero: none); Legal differs from
	// it when a closed day moved it, MovedBecause says why.
	Deadline, Legal, Opens   time.Time
	MovedBecause, ClosedName string
	DaysLeft                 int
	// Note is said under the procedure (acting for someone: "needs their
	// own signature").
	Note string
	// Filing says, once something was filed for the event, what stands
	// and what filing now sends (a correction of a receipt, nothing).
	Filing string
}

// Plan is what the event means for the person.
type Plan struct {
	Event string
	Items []PlanItem
	// Prefill is the share of the online forms' fields already filled.
	Prefill float64
	// ToType lists fields nobody knew ("procedure.field"), to type before
	// signing.
	ToType []string
	// Filed is set once filed with nothing changed since: nothing to send.
	Filed bool
	// Sending is how many applications filing now sends (new ones,
	// corrections, withdrawals); Withdrawals say which filed ones are taken
	// back, NewEvent that this is another event of the kind, filed anew.
	Sending     int
	Withdrawals []string
	NewEvent    bool
	// Handoffs are certificates the person gives someone themselves (a new
	// employer), by procedure id.
	Handoffs map[string][]Handoff
	// Attachments are the certificates attached to the bundle, each with the
	// only fields disclosed of it (certificate kind → field names).
	Attachments []Attachment
	// Forms are the online procedures' forms as they will be signed, each
	// field with where its value came from (review before signing).
	Forms []Form
	// Letter: acting for someone, a letter of authorisation (委任状) is
	// offered for what the proxy does at the counter for them.
	Letter bool
	// CannotFile, when set, says why signing and filing is not offered
	// (acting for someone whose grant does not cover it); shown instead of
	// the button.
	CannotFile string
}

// Attachment is a certificate attached to the bundle.
type Attachment struct {
	Kind   string // residence, tax, attributes
	Fields []string
}

// Handoff is a certificate to give to a recipient, only these fields.
type Handoff struct {
	Attachment
	To string // a recipient the municipality lists (new-employer)
}

// Form is one online procedure's form.
type Form struct {
	Procedure string
	Fields    []Field
	// Sources says where each field's value came from: card,
	// residence-record, answer, postal-table, typed.
	Sources map[string]string
}

// Receipt is a filed application with its status.
type Receipt struct {
	Number, Procedure, Status, Note string
	Updated                         time.Time
	// NeedsYou: the municipality asks something of the person (more
	// information, or it refused): shown first, marked.
	NeedsYou bool
}

// LifeEventService is what the life-event screens need (implemented in
// app): the catalogue, the interview with autosaved answers, the plan,
// filing the online procedures as one bundle signed on the card, receipts.
type LifeEventService interface {
	Events(lang string) []LifeEvent
	// Resume returns the next question of the event's draft.
	Resume(ctx context.Context, event, lang string) (Step, error)
	// Answer keeps an answer (autosaved) and returns the next step.
	Answer(ctx context.Context, event, question string, value any, lang string) (Step, error)
	// Back goes to the answer before the question asked (from the plan:
	// the last one), offering it again; no answer is forgotten.
	Back(ctx context.Context, event, lang string) (Step, error)
	// Current is the step the interview stands at now (in lang), where
	// Resume starts again from the draft.
	Current(ctx context.Context, event, lang string) (Step, error)
	// Forward ends going back: on to the first question not answered yet,
	// or the plan, every answer kept.
	Forward(ctx context.Context, event, lang string) (Step, error)
	Plan(ctx context.Context, event, lang string) (Plan, error)
	// Submit signs the online procedures as one bundle (the signing
	// password through ask) and files it; typed are the fields nobody knew.
	// sent is false when nothing had changed since the last filing (then
	// nothing was signed and rs are the receipts that stand).
	Submit(ctx context.Context, event string, typed map[string]string, ask PINAsker, lang string) (rs []Receipt, sent bool, err error)
	Receipts(ctx context.Context, lang string) (rs []Receipt, stale bool, err error)
	// Handoff gives the procedure's certificates to their recipient, after
	// the person agreed to exactly what is shown.
	Handoff(ctx context.Context, event, procedure string) error
	// Checklist is the counter visits as a printable PDF; Calendar the
	// deadlines as an iCalendar file.
	Checklist(ctx context.Context, event, lang string) ([]byte, error)
	Calendar(ctx context.Context, event, lang string) ([]byte, error)
	// Letter is, acting for someone, the letter of authorisation (委任状)
	// they sign for what the proxy does at the counter (PDF).
	Letter(ctx context.Context, event string) ([]byte, error)
	// Address is the address a postal code names ("" when unknown), from
	// the offline table.
	Address(code string) string
	// Parse reads an answer typed in the answer box as the interview does
	// (dates as people write them, full-width digits); the error says why
	// it is not one.
	Parse(event, question, text string) (any, error)
	// Typed is a field typed on the review screen as the form keeps it (a
	// phone number's digits), or why it cannot be that field.
	Typed(field, text string) (string, error)
	// Owner is whose applications these are: "" the person's own, else the
	// name of the principal they act for.
	Owner() string
}
