package idp

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"madoguchi/protocol/cardlogin"
	"madoguchi/sandbox/jpki"
)

// ChallengeTTL is how long a login challenge may be answered.
const ChallengeTTL = 2 * time.Minute

type challenge struct {
	AuthRequestID string    `json:"auth_request_id"`
	Expires       time.Time `json:"expires"`
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
	switch r.Method {
	case http.MethodGet:
		s.loginChallenge(w, r)
	case http.MethodPost:
		s.loginAnswer(w, r)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func (s *Server) loginChallenge(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.URL.Query().Get("authRequestID")
	req, err := s.storage.AuthRequestByID(ctx, id)
	if err != nil || req.Done() {
		loginErr(w, http.StatusBadRequest, cardlogin.CodeUnknownRequest, "unknown or completed authorization request")
		return
	}
	b := make([]byte, 32)
	rand.Read(b)
	ch := base64.RawURLEncoding.EncodeToString(b)
	exp := s.storage.now().Add(ChallengeTTL)
	if err := s.store.put(ctx, "challenges", ch, id, challenge{AuthRequestID: id, Expires: exp}, exp); err != nil {
		loginErr(w, http.StatusInternalServerError, "SERVER", "could not store the challenge")
		return
	}
	writeJSON(w, http.StatusOK, cardlogin.Challenge{AuthRequestID: id, Challenge: ch, ExpiresIn: int(ChallengeTTL / time.Second)})
}

func (s *Server) loginAnswer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var a cardlogin.Answer
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&a); err != nil {
		loginErr(w, http.StatusBadRequest, cardlogin.CodeMalformed, "body is not a login answer")
		return
	}
	var ch challenge
	// take: a challenge answers at most once, whatever the outcome
	if err := s.store.take(ctx, "challenges", a.Challenge, &ch); err != nil || ch.AuthRequestID != a.AuthRequestID || s.storage.now().After(ch.Expires) {
		loginErr(w, http.StatusBadRequest, cardlogin.CodeChallengeInvalid, "challenge unknown, expired, already used or for another request")
		return
	}
	raw, _ := base64.RawURLEncoding.DecodeString(a.Challenge)
	certDER, err1 := base64.StdEncoding.DecodeString(a.Certificate)
	sig, err2 := base64.StdEncoding.DecodeString(a.Signature)
	if err1 != nil || err2 != nil {
		loginErr(w, http.StatusBadRequest, cardlogin.CodeMalformed, "certificate or signature is not base64")
		return
	}
	cert, err := s.verifier.Verify(certDER, raw, sig)
	if err != nil {
		code := string(jpki.CodeOf(err))
		loginErr(w, http.StatusUnauthorized, code, err.Error())
		return
	}
	residentID, err := s.residentFor(r, cert)
	if err != nil {
		loginErr(w, http.StatusUnauthorized, cardlogin.CodeNotRegistered, "this card is not registered with the municipality")
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
