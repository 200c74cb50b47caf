package idp

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/cardlogin"
)

// ChallengeTTL is how long a login challenge may be answered.
const ChallengeTTL = 2 * time.Minute

type challenge struct {
	AuthRequestID string    `json:"auth_request_id"`
	ClientID      string    `json:"client_id"`
	IssuedAt      int64     `json:"issued_at"`
	Expires       time.Time `json:"expires"`
	// Certificate is the offered auth certificate (DER): the answer must be
	// signed with its key.
	Certificate []byte `json:"certificate"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func loginErr(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, cardlogin.Error{Error: "access_denied", Description: desc, Code: code})
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		loginErr(w, http.StatusMethodNotAllowed, cardlogin.CodeVersion, "card login "+cardlogin.Version+": POST an offer, then an answer")
		return
	}
	// one body type for both steps: an offer carries a certificate, an
	// answer a signature
	var m struct {
		cardlogin.Answer
		Certificate string `json:"certificate"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&m); err != nil {
		loginErr(w, http.StatusBadRequest, cardlogin.CodeMalformed, "body is not a card-login message")
		return
	}
	if m.Version != cardlogin.Version {
		loginErr(w, http.StatusBadRequest, cardlogin.CodeVersion, "this provider speaks "+cardlogin.Version)
		return
	}
	switch {
	case m.Certificate != "" && m.Signature == "":
		s.loginOffer(w, r, cardlogin.Offer{Version: m.Version, AuthRequestID: m.AuthRequestID, Certificate: m.Certificate})
	case m.Signature != "" && m.Certificate == "":
		s.loginAnswer(w, r, m.Answer)
	default:
		loginErr(w, http.StatusBadRequest, cardlogin.CodeMalformed, "neither an offer nor an answer")
	}
}

// loginOffer checks the certificate before any PIN is asked, then issues a
// challenge bound to the request and the certificate.
func (s *Server) loginOffer(w http.ResponseWriter, r *http.Request, o cardlogin.Offer) {
	ctx := r.Context()
	req, err := s.storage.AuthRequestByID(ctx, o.AuthRequestID)
	if err != nil || req.Done() {
		loginErr(w, http.StatusBadRequest, cardlogin.CodeUnknownRequest, "unknown or completed authorization request")
		return
	}
	certDER, err := base64.StdEncoding.DecodeString(o.Certificate)
	if err != nil {
		loginErr(w, http.StatusBadRequest, cardlogin.CodeMalformed, "certificate is not base64")
		return
	}
	cert, err := s.verifier.CheckCertificate(certDER)
	if err != nil {
		loginErr(w, http.StatusUnauthorized, string(failure.CodeOf(err)), err.Error())
		return
	}
	if _, err := s.residentFor(r, cert); err != nil {
		loginErr(w, http.StatusUnauthorized, cardlogin.CodeNotRegistered, "this card is not registered with the municipality")
		return
	}
	b := make([]byte, 32)
	rand.Read(b)
	ch := base64.RawURLEncoding.EncodeToString(b)
	now := s.storage.now()
	exp := now.Add(ChallengeTTL)
	rec := challenge{AuthRequestID: o.AuthRequestID, ClientID: req.GetClientID(), IssuedAt: now.Unix(), Expires: exp, Certificate: certDER}
	if err := s.store.put(ctx, "challenges", ch, o.AuthRequestID, rec, exp); err != nil {
		loginErr(w, http.StatusInternalServerError, "SERVER", "could not store the challenge")
		return
	}
	writeJSON(w, http.StatusOK, cardlogin.Challenge{Version: cardlogin.Version, Issuer: s.Issuer, ClientID: rec.ClientID,
		AuthRequestID: o.AuthRequestID, Challenge: ch, IssuedAt: rec.IssuedAt, ExpiresIn: int(ChallengeTTL / time.Second)})
}

// loginAnswer checks every field of the signed statement against what this
// provider issued, then the signature over its own encoding of it.
func (s *Server) loginAnswer(w http.ResponseWriter, r *http.Request, a cardlogin.Answer) {
	ctx := r.Context()
	var ch challenge
	// take: a challenge answers at most once, whatever the outcome
	if err := s.store.take(ctx, "challenges", a.Statement.Challenge, &ch); err != nil || ch.AuthRequestID != a.AuthRequestID || s.storage.now().After(ch.Expires) {
		loginErr(w, http.StatusBadRequest, cardlogin.CodeChallengeInvalid, "challenge unknown, expired, already used or for another request")
		return
	}
	want := cardlogin.Statement{Issuer: s.Issuer, ClientID: ch.ClientID, AuthRequestID: ch.AuthRequestID,
		Challenge: a.Statement.Challenge, IssuedAt: ch.IssuedAt}
	for _, f := range []struct{ name, got, want string }{
		{"issuer", a.Statement.Issuer, want.Issuer},
		{"client_id", a.Statement.ClientID, want.ClientID},
		{"auth_request_id", a.Statement.AuthRequestID, want.AuthRequestID},
	} {
		if f.got != f.want {
			loginErr(w, http.StatusUnauthorized, cardlogin.CodeStatementMismatch, "the signed statement names another "+f.name)
			return
		}
	}
	if a.Statement.IssuedAt != want.IssuedAt {
		loginErr(w, http.StatusUnauthorized, cardlogin.CodeStatementMismatch, "the signed statement has another issue time")
		return
	}
	sig, err := base64.StdEncoding.DecodeString(a.Signature)
	if err != nil {
		loginErr(w, http.StatusBadRequest, cardlogin.CodeMalformed, "signature is not base64")
		return
	}
	// the provider's own encoding of the statement: whatever the client
	// claims it signed, only this verifies
	cert, err := s.verifier.Verify(ch.Certificate, want.Bytes(), sig)
	if err != nil {
		loginErr(w, http.StatusUnauthorized, string(failure.CodeOf(err)), err.Error())
		return
	}
	residentID, err := s.residentFor(r, cert)
	if err != nil {
		loginErr(w, http.StatusUnauthorized, cardlogin.CodeNotRegistered, "this card is not registered with the municipality")
		return
	}
	if st, err := s.StandingOf(ctx, residentID); err == nil && st.Suspended {
		loginErr(w, http.StatusUnauthorized, cardlogin.CodeCertRevoked, "this card is suspended (reported lost)")
		return
	}
	if _, err := s.storage.completeLogin(ctx, a.AuthRequestID, residentID); err != nil {
		loginErr(w, http.StatusBadRequest, cardlogin.CodeUnknownRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, cardlogin.Result{Redirect: s.callbackURL(ctx, a.AuthRequestID)})
}

// certKey identifies a certificate for the resident registry.
func certKey(c *x509.Certificate) string {
	return c.Issuer.String() + "|" + c.SerialNumber.Text(16)
}

func (s *Server) residentFor(r *http.Request, c *x509.Certificate) (string, error) {
	var m struct {
		ResidentID string `json:"resident_id"`
	}
	if err := s.store.get(r.Context(), "certs", certKey(c), &m); err != nil {
		return "", errors.New("unregistered certificate")
	}
	return m.ResidentID, nil
}
