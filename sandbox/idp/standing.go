package idp

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"path/filepath"
	"time"

	"madoguchi/sandbox/fixtures"
)

// Standing is a resident's standing at the registry: the card now in use
// (its user-authentication certificate), whether it is suspended, and
// whether the resident is under protection (支援措置, DV/stalking).
type Standing struct {
	Card      string    `json:"card"`
	Suspended bool      `json:"suspended,omitempty"`
	Protected bool      `json:"protected,omitempty"`
	Changed   time.Time `json:"changed"` // the card or the protection last changed
}

func (st *store) standingOf(ctx context.Context, residentID string) (Standing, error) {
	var s Standing
	return s, st.get(ctx, "standing", residentID, &s)
}

// suspended tells whether the resident's card is suspended.
func (st *store) suspended(ctx context.Context, residentID string) bool {
	s, err := st.standingOf(ctx, residentID)
	return err == nil && s.Suspended
}

func (st *store) updateStanding(ctx context.Context, residentID string, now time.Time, f func(*Standing)) error {
	s, err := st.standingOf(ctx, residentID)
	if err != nil {
		return err
	}
	f(&s)
	s.Changed = now
	return st.put(ctx, "standing", residentID, "", s, time.Time{})
}

// registerCert maps a newly issued user-authentication certificate to a
// registered resident (the same subjects) and makes it the card in use.
func (st *store) registerCert(ctx context.Context, residentID string, cert *x509.Certificate, now time.Time) error {
	var r Resident
	if err := st.get(ctx, "residents", residentID, &r); err != nil {
		return err
	}
	if err := st.put(ctx, "certs", certKey(cert), residentID, map[string]string{"resident_id": residentID}, time.Time{}); err != nil {
		return err
	}
	return st.updateStanding(ctx, residentID, now, func(s *Standing) { s.Card, s.Suspended = certKey(cert), false })
}

// StandingOf returns a resident's standing.
func (s *Server) StandingOf(ctx context.Context, residentID string) (Standing, error) {
	return s.store.standingOf(ctx, residentID)
}

// SuspendCard suspends (or resumes) a resident's card, as the municipality
// does when a card is reported lost (一時停止): its sign-ins stop and the
// proxy grants that depend on it are suspended with it.
func (s *Server) SuspendCard(ctx context.Context, residentID string, suspended bool) error {
	return s.store.updateStanding(ctx, residentID, s.storage.now(), func(st *Standing) { st.Suspended = suspended })
}

// SetProtected flags (or unflags) a resident for protection (支援措置).
func (s *Server) SetProtected(ctx context.Context, residentID string, protected bool) error {
	return s.store.updateStanding(ctx, residentID, s.storage.now(), func(st *Standing) { st.Protected = protected })
}

// RegisterCertificate records a newly issued user-authentication certificate
// for a registered resident (what the municipal office does at renewal): it
// maps to the same resident, hence the same subjects, and is the card in use
// from now on.
func (s *Server) RegisterCertificate(ctx context.Context, residentID string, certDER []byte) error {
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return err
	}
	return s.store.registerCert(ctx, residentID, cert, s.storage.now())
}

// Admin is the municipality's staff at the registry of cards, beside a
// running sandbox (`madoguchi sandbox admin`): suspend a card, flag
// protection, re-issue a card.
type Admin struct{ st *store }

// OpenAdmin opens the sandbox provider's database in its data folder.
func OpenAdmin(dataDir string) (*Admin, error) {
	st, err := openStore(filepath.Join(dataDir, "idp.sqlite"))
	if err != nil {
		return nil, err
	}
	return &Admin{st: st}, nil
}

// Close closes the database.
func (a *Admin) Close() error { return a.st.close() }

// SuspendCard suspends or resumes a resident's card.
func (a *Admin) SuspendCard(ctx context.Context, residentID string, suspended bool) error {
	return a.st.updateStanding(ctx, residentID, time.Now(), func(s *Standing) { s.Suspended = suspended })
}

// SetProtected flags or unflags protection.
func (a *Admin) SetProtected(ctx context.Context, residentID string, protected bool) error {
	return a.st.updateStanding(ctx, residentID, time.Now(), func(s *Standing) { s.Protected = protected })
}

// ReissueCard registers a new user-authentication certificate from the
// sandbox CA as the resident's card in use, as a re-issue does: proxy
// grants need the principal's confirmation. (The virtual card keeps its
// fixture keys, which still sign in: the sandbox has no new card to give.)
func (a *Admin) ReissueCard(ctx context.Context, residentID string) error {
	ca, err := fixtures.LoadCA()
	if err != nil {
		return err
	}
	caCert, err := x509.ParseCertificate(ca.AuthCACert)
	if err != nil {
		return err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{Country: []string{"JP"}, CommonName: "SANDBOX-REISSUED"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.AddDate(5, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, ca.AuthCAKey)
	if err != nil {
		return err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	return a.st.registerCert(ctx, residentID, cert, now)
}
