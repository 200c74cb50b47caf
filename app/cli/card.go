package cli

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"madoguchi/auth/card"
	"madoguchi/auth/reader"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
)

// cardCmd is what the card commands share: the card source and, for those
// that ask for a secret, how.
type cardCmd struct {
	r       *runner
	env     *Env
	src     cardSource
	stdin   bool
	yesLast bool
}

func (r *runner) cardCommand() *cobra.Command {
	c := &cardCmd{r: r, env: r.env}
	// cmd makes one card command; secrets adds the PIN flags
	cmd := func(use, short string, secrets bool, run func(ctx context.Context) error) *cobra.Command {
		k := &cobra.Command{Use: use, Short: short, Args: r.noArgs,
			RunE: func(cmd *cobra.Command, _ []string) error { return run(cmd.Context()) }}
		c.src.flags(k.Flags())
		r.jsonFlag(k)
		if secrets {
			k.Flags().BoolVar(&c.stdin, "pin-stdin", false, "read PINs from standard input, one per line")
			k.Flags().BoolVar(&c.yesLast, "yes-last-try", false, "agree to spend a PIN's last try")
		}
		return k
	}
	var pemOut, mn, show bool
	var secret, key, in, out string
	certs := cmd("certs", "the certificates readable without a PIN, with their expiry", false,
		func(ctx context.Context) error { return c.certs(ctx, pemOut) })
	certs.Flags().BoolVar(&pemOut, "pem", false, "print the certificates as PEM")
	info := cmd("info", "name, address, birth date and sex (input-support PIN); --mynumber only when needed", true,
		func(ctx context.Context) error { return c.info(ctx, mn || show, show) })
	info.Flags().BoolVar(&mn, "mynumber", false, "also read the My Number (only when a procedure needs it)")
	info.Flags().BoolVar(&show, "show-mynumber", false, "print the My Number unmasked")
	change := cmd("change-pin", "change a PIN or the signing password", true,
		func(ctx context.Context) error { return c.changePIN(ctx, secret) })
	change.Flags().StringVar(&secret, "secret", "", "auth-pin | sign-password | input-pin")
	change.RegisterFlagCompletionFunc("secret", fixedCompletions(string(card.SecretAuthPIN), string(card.SecretSignPassword), string(card.SecretInputPIN)))
	sign := cmd("sign", "sign a file with the auth or signature key", true,
		func(ctx context.Context) error { return c.sign(ctx, key, in, out) })
	sign.Flags().StringVar(&key, "key", "auth", "auth | sign")
	sign.Flags().StringVar(&in, "in", "", "`file` to sign (SHA-256 of its content)")
	sign.Flags().StringVar(&out, "out", "", "write the raw signature to this `file`")
	sign.RegisterFlagCompletionFunc("key", fixedCompletions("auth", "sign"))
	return r.group("card", "the My Number card: readers, status, certificates, PINs, signing",
		cmd("readers", "list the card readers and whether a card is in each", false, c.readers),
		cmd("status", "the card in the reader: kind and ATR", false, c.status),
		certs,
		cmd("pin-status", "tries left for each PIN (spends none)", false, c.pinStatus),
		info, change, sign)
}

type readerJSON struct {
	Name        string `json:"name"`
	CardPresent bool   `json:"card_present"`
}

func (c *cardCmd) readers(ctx context.Context) error {
	b, closeB, err := c.src.backend()
	if err != nil {
		return err
	}
	defer closeB()
	rs, err := b.Wait(ctx, nil)
	if err != nil {
		return err
	}
	out := []readerJSON{}
	for _, r := range rs {
		out = append(out, readerJSON{r.Name, r.CardPresent})
	}
	if c.r.json {
		return writeJSON(c.env.Stdout, out)
	}
	if len(out) == 0 {
		return card.ErrNoReader
	}
	for _, r := range out {
		mark := "-"
		if r.CardPresent {
			mark = "*"
		}
		fmt.Fprintf(c.env.Stdout, "%s %s\n", mark, r.Name)
	}
	return nil
}

type statusJSON struct {
	Reader string `json:"reader"`
	ATR    string `json:"atr"`
	Kind   string `json:"kind"`
	State  string `json:"state"`
}

func (c *cardCmd) status(ctx context.Context) error {
	s, done, err := c.src.openIdentified(ctx)
	if err != nil {
		return err
	}
	defer done()
	st := statusJSON{Reader: s.Transport().Reader(), ATR: fmt.Sprintf("%X", s.Transport().ATR()),
		Kind: card.KindMyNumberCard.String(), State: reader.StateIdentified.String()}
	if c.r.json {
		return writeJSON(c.env.Stdout, st)
	}
	fmt.Fprintf(c.env.Stdout, "%s: %s\nATR: %s\n%s\n", c.env.Tr.T("reader.label"), st.Reader, st.ATR, c.env.Tr.T("kind.mynumber"))
	return nil
}

type certJSON struct {
	Which     string    `json:"which"`
	Subject   string    `json:"subject,omitempty"`
	Issuer    string    `json:"issuer,omitempty"`
	Serial    string    `json:"serial,omitempty"`
	NotBefore time.Time `json:"not_before,omitzero"`
	NotAfter  time.Time `json:"not_after,omitzero"`
	Expired   bool      `json:"expired"`
	Error     string    `json:"error,omitempty"`
}

func certInfo(which card.CertFile, cert *x509.Certificate, err error, now time.Time) certJSON {
	j := certJSON{Which: which.String()}
	if err != nil {
		j.Error = string(failure.CodeOf(err))
		if j.Error == "" {
			j.Error = err.Error()
		}
		return j
	}
	j.Subject, j.Issuer = cert.Subject.String(), cert.Issuer.String()
	j.Serial = cert.SerialNumber.Text(16)
	j.NotBefore, j.NotAfter = cert.NotBefore.In(i18n.JST), cert.NotAfter.In(i18n.JST)
	j.Expired = now.After(cert.NotAfter)
	return j
}

func (c *cardCmd) certs(ctx context.Context, pemOut bool) error {
	s, done, err := c.src.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	var out []certJSON
	now := time.Now()
	certs, errs := s.ReadCertificates(ctx, card.PublicCerts...)
	for i, f := range card.PublicCerts {
		cert, err := certs[i], errs[i]
		if err != nil && !(f == card.CertSignCA && failure.CodeOf(err) == card.CodeNoSignCert) {
			// a card fault (pulled out, reset, timeout) fails the command:
			// a partial list must not look like a complete one
			return err
		}
		if pemOut && err == nil {
			pem.Encode(c.env.Stdout, &pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
		}
		out = append(out, certInfo(f, cert, err, now))
	}
	if pemOut {
		return nil
	}
	if c.r.json {
		return writeJSON(c.env.Stdout, out)
	}
	for _, j := range out {
		name := c.env.Tr.T("cert." + j.Which)
		switch {
		case j.Error != "":
			fmt.Fprintf(c.env.Stdout, "%s: %s\n", name, c.env.Tr.T("cert.unavailable", map[string]any{"Code": j.Error}))
		case j.Expired:
			fmt.Fprintf(c.env.Stdout, "%s: %s\n", name, c.env.Tr.T("cert.expired", map[string]any{"Date": c.env.Tr.Date(j.NotAfter)}))
		default:
			fmt.Fprintf(c.env.Stdout, "%s: %s\n", name, c.env.Tr.T("cert.valid_until", map[string]any{"Date": c.env.Tr.Date(j.NotAfter)}))
		}
	}
	return nil
}

type counterJSON struct {
	Secret    string `json:"secret"`
	TriesLeft int    `json:"tries_left"`
	Max       int    `json:"max"`
	Blocked   bool   `json:"blocked"`
	Error     string `json:"error,omitempty"`
}

func (c *cardCmd) pinStatus(ctx context.Context) error {
	s, done, err := c.src.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	var out []counterJSON
	counters, err := s.PINCounters(ctx)
	if err != nil {
		return err
	}
	for _, pc := range counters {
		j := counterJSON{Secret: string(pc.Secret), TriesLeft: pc.TriesLeft, Max: pc.Secret.MaxTries(), Blocked: pc.Err == nil && pc.TriesLeft == 0}
		if pc.Err != nil {
			j.Error = string(failure.CodeOf(pc.Err))
		}
		out = append(out, j)
	}
	if c.r.json {
		return writeJSON(c.env.Stdout, out)
	}
	for _, j := range out {
		var v string
		switch {
		case j.Error == string(card.CodeNoSignCert):
			v = c.env.Tr.T("pins.none")
		case j.Error != "":
			v = c.env.Tr.T("pins.unavailable", map[string]any{"Code": j.Error})
		case j.Blocked:
			v = c.env.Tr.T("pins.blocked")
		default:
			v = c.env.Tr.T("pins.tries", map[string]any{"TriesLeft": j.TriesLeft, "Max": j.Max})
		}
		fmt.Fprintf(c.env.Stdout, "%s: %s\n", c.env.Tr.T("secret."+j.Secret), v)
	}
	return nil
}

type infoJSON struct {
	Name      string         `json:"name"`
	Address   string         `json:"address"`
	BirthDate string         `json:"birth_date"`
	Sex       int            `json:"sex"`
	MyNumber  *card.MyNumber `json:"my_number,omitempty"`
	// MyNumberShown is set only with --show-mynumber.
	MyNumberShown string `json:"my_number_unmasked,omitempty"`
}

func (c *cardCmd) info(ctx context.Context, readMyNumber, show bool) error {
	s, done, err := c.src.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	pr := newPINReader(c.env, c.stdin, c.yesLast)
	var a card.Attributes
	var mn *card.MyNumber
	// PIN first; then one VERIFY serves the attributes and the number, in
	// one transaction
	if err := card.PINFirst(ctx, card.Direct(s), card.SecretInputPIN, pr.prompt, func(s *card.Session, pin card.PIN, yes bool) error {
		var err error
		a, mn, err = s.ReadInputSupport(ctx, pin, yes, readMyNumber)
		return err
	}); err != nil {
		return err
	}
	j := infoJSON{Name: a.Name, Address: a.Address, BirthDate: a.BirthDate.Format("2006-01-02"), Sex: a.Sex}
	if mn != nil {
		j.MyNumber = mn
		if show {
			j.MyNumberShown = mn.Reveal()
		}
	}
	if c.r.json {
		return writeJSON(c.env.Stdout, j)
	}
	tr := c.env.Tr
	fmt.Fprintf(c.env.Stdout, "%s: %s\n%s: %s\n%s: %s\n%s: %s\n",
		tr.T("attrs.name"), j.Name, tr.T("attrs.address"), j.Address,
		tr.T("attrs.birth"), tr.DateWithEra(a.BirthDate), tr.T("attrs.sex"), tr.Sex(j.Sex))
	if j.MyNumber != nil {
		v := j.MyNumber.String()
		if show {
			v = j.MyNumberShown
		}
		fmt.Fprintf(c.env.Stdout, "My Number: %s\n", v)
	}
	return nil
}

func (c *cardCmd) changePIN(ctx context.Context, secret string) error {
	sec, err := card.ParseSecret(secret)
	if err != nil {
		return usageError{err.Error()}
	}
	s, done, err := c.src.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	pr := newPINReader(c.env, c.stdin, c.yesLast)
	name := c.env.Tr.T("secret." + string(sec))
	var newPIN card.PIN
	defer func() { newPIN.Wipe() }()
	// PIN first: the old secret, then the new one twice, all before the
	// card is touched again
	ask := func(ctx context.Context, sec card.Secret, tries int) (card.PIN, bool, error) {
		old, yes, err := pr.prompt(ctx, sec, tries)
		if err != nil {
			return nil, false, err
		}
		if newPIN, err = pr.line(ctx, c.env.Tr.T("cli.enter_new_pin", map[string]any{"SecretName": name})); err != nil {
			old.Wipe()
			return nil, false, err
		}
		again, err := pr.line(ctx, c.env.Tr.T("cli.repeat_new_pin"))
		if err != nil {
			old.Wipe()
			return nil, false, err
		}
		defer again.Wipe()
		newPIN.Normalize(sec)
		again.Normalize(sec)
		if string(newPIN) != string(again) {
			old.Wipe()
			return nil, false, failure.New(CodePINMismatch, "the new secret was typed differently twice").With(card.DataSecret, string(sec))
		}
		return old, yes, nil
	}
	if err := card.PINFirst(ctx, card.Direct(s), sec, ask, func(s *card.Session, old card.PIN, yes bool) error {
		return s.ChangePIN(ctx, sec, old, newPIN, yes)
	}); err != nil {
		return err
	}
	if c.r.json {
		return writeJSON(c.env.Stdout, map[string]any{"secret": secret, "changed": true})
	}
	fmt.Fprintln(c.env.Stdout, c.env.Tr.T("cli.pin_changed", map[string]any{"SecretName": name}))
	return nil
}

type signJSON struct {
	Key         string `json:"key"`
	Algorithm   string `json:"alg"`
	DigestB64   string `json:"sha256"`
	SignatureB4 string `json:"signature"`
	Certificate string `json:"certificate"`
}

func (c *cardCmd) sign(ctx context.Context, key, in, out string) error {
	var k card.Key
	switch key {
	case "auth":
		k = card.KeyAuth
	case "sign":
		k = card.KeySign
	default:
		return usageError{"--key must be auth or sign"}
	}
	if in == "" {
		return usageError{"--in FILE is required (standard input may carry the PIN)"}
	}
	data, err := os.ReadFile(in)
	if err != nil {
		return usageError{err.Error()}
	}
	s, done, err := c.src.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	pr := newPINReader(c.env, c.stdin, c.yesLast)
	h := sha256.Sum256(data)
	di, _ := card.DigestInfo(crypto.SHA256, h[:])
	var sig []byte
	var cert *x509.Certificate
	// PIN first; then one VERIFY: the certificate (for the signature key,
	// readable only after the password) and the signature in one transaction
	if err := card.PINFirst(ctx, card.Direct(s), k.Secret(), pr.prompt, func(s *card.Session, pin card.PIN, yes bool) error {
		var err error
		sig, cert, err = s.Sign(ctx, k, di, pin, yes, true)
		return err
	}); err != nil {
		return err
	}
	if out != "" {
		if err := os.WriteFile(out, sig, 0o644); err != nil {
			return failure.Wrap(CodeFileUnwritable, err)
		}
	}
	j := signJSON{Key: key, Algorithm: "RS256", DigestB64: base64.StdEncoding.EncodeToString(h[:]),
		SignatureB4: base64.StdEncoding.EncodeToString(sig),
		Certificate: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))}
	if c.r.json {
		return writeJSON(c.env.Stdout, j)
	}
	fmt.Fprintln(c.env.Stdout, c.env.Tr.T("cli.signed", map[string]any{"Key": key}))
	fmt.Fprintln(c.env.Stdout, j.SignatureB4)
	return nil
}
