package idp

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/proxy"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/jpki"
)

// AppClientID is the Madoguchi desktop app's client (public, native).
const AppClientID = "madoguchi-app"

// IntakeClientID is a second registered client of the sandbox, allowed the
// mynumber scope (the municipality's own intake tool would be one). Public
// clients get the My Number only where a municipality registered them so.
const IntakeClientID = "sandbox-intake"

// AppScopes are the scopes beyond the basics the app client is registered for.
var AppScopes = []string{"certificates", "applications", "proxy"}

// DefaultSessionTTL is the absolute lifetime of a sign-in.
const DefaultSessionTTL = 30 * 24 * time.Hour

// Config configures the sandbox provider.
type Config struct {
	// Addr to listen on (default 127.0.0.1:8443; port 0 picks a free one).
	Addr string
	// DataDir holds the SQLite database and the development TLS CA.
	DataDir    string
	AccessTTL  time.Duration // default 10 min
	RefreshTTL time.Duration // default 30 days (sliding: each refresh)
	// SessionTTL is the absolute lifetime of a sign-in, whatever the
	// refreshes (default 30 days; the profile states it to the app).
	SessionTTL time.Duration
	IDTokenTTL time.Duration // default 10 min
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger (default: discard).
	Logger *slog.Logger
	// Mount adds the sandbox's other services (certificate issuer, intake…)
	// to the same HTTPS server.
	Mount []func(*Server, *http.ServeMux) error
}

// Server is the running provider.
type Server struct {
	Issuer string
	// CAFile is the development CA that signed the server certificate; clients
	// trust it only when a municipality profile points at it.
	CAFile string
	// DataDir is the data folder (the sandbox's other services keep their
	// databases beside the provider's).
	DataDir  string
	store    *store
	storage  *storage
	verifier *jpki.Verifier
	provider *op.Provider
	srv      *http.Server
	ln       net.Listener
	done     chan struct{}
}

// Start opens (or creates) the data folder and serves HTTPS.
func Start(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8443"
	}
	if cfg.AccessTTL == 0 {
		cfg.AccessTTL = 10 * time.Minute
	}
	if cfg.RefreshTTL == 0 {
		cfg.RefreshTTL = 30 * 24 * time.Hour
	}
	if cfg.IDTokenTTL == 0 {
		cfg.IDTokenTTL = 10 * time.Minute
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	tlsCert, caFile, err := ensureDevTLS(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	issuer := "https://" + ln.Addr().String()
	st, err := openStore(filepath.Join(cfg.DataDir, "idp.sqlite"))
	if err != nil {
		ln.Close()
		return nil, err
	}
	s := &Server{Issuer: issuer, CAFile: caFile, DataDir: cfg.DataDir, store: st, ln: ln, done: make(chan struct{})}
	fail := func(err error) (*Server, error) { ln.Close(); st.close(); return nil, err }
	s.storage = &storage{st: st, now: cfg.Now, accessTTL: cfg.AccessTTL, refreshTTL: cfg.RefreshTTL, sessionTTL: cfg.SessionTTL, idTTL: cfg.IDTokenTTL,
		loginURL: func(id string) string { return issuer + "/login/card?authRequestID=" + id }}
	ctx := context.Background()
	if err := s.storage.loadSecrets(ctx); err != nil {
		return fail(err)
	}
	if err := s.seed(ctx); err != nil {
		return fail(err)
	}
	ca, err := fixtures.LoadCA()
	if err != nil {
		return fail(err)
	}
	if s.verifier, err = jpki.NewVerifier(ca); err != nil {
		return fail(err)
	}
	s.verifier.Now = cfg.Now
	// zitadel's op decrypts presented tokens (revocation, userinfo) before
	// anything else; its default adds a fallback decrypter without integrity
	// check, so a random refresh token could "decrypt" to a bogus token ID
	// and a revocation answer 200 without revoking. AES-GCM only, with a key
	// of its own.
	keyBytes, err := s.Secret(ctx, "op-token-crypto", func() ([]byte, error) {
		b := make([]byte, 32)
		_, err := rand.Read(b)
		return b, err
	})
	if err != nil {
		return fail(err)
	}
	var cryptoKey [32]byte
	copy(cryptoKey[:], keyBytes)
	s.provider, err = op.NewProvider(&op.Config{
		CryptoKey:             cryptoKey,
		CodeMethodS256:        true,
		GrantTypeRefreshToken: true,
		SupportedUILocales:    []language.Tag{language.Japanese, language.English},
		SupportedScopes:       Scopes,
		SupportedClaims: []string{"sub", "aud", "exp", "iat", "iss", "auth_time", "nonce", "acr", "amr", "azp",
			"name", "address", "birthdate", "gender"},
	}, s.storage, op.StaticIssuer(issuer), // zitadel logs refused requests via slog.Default (error types only)
		op.WithCrypto(op.NewAES256GCMCrypto(cryptoKey, "sandbox")))
	if err != nil {
		return fail(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/login/card", s.handleLogin)
	mux.Handle("/", s.front(s.provider))
	for _, m := range cfg.Mount {
		if err := m(s, mux); err != nil {
			return fail(err)
		}
	}
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{tlsCert}, MinVersion: tls.VersionTLS12}}
	go func() {
		defer close(s.done)
		if err := s.srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			cfg.Logger.Error("idp: serve", "err", err)
		}
	}()
	return s, nil
}

func (s *Server) callbackURL(ctx context.Context, id string) string {
	return op.AuthCallbackURL(s.provider)(op.ContextWithIssuer(ctx, s.Issuer), id)
}

// TokenInfo is what a sandbox service learns from a valid access token.
type TokenInfo struct {
	Subject    string
	ClientID   string
	ResidentID string
	Scopes     []string
	Audience   []string
	// Acting for a principal (an exchanged token): Subject and ResidentID
	// are the principal's, Actor the proxy's subject, Grant the grant.
	Actor         string
	ActorResident string
	Grant         string
}

// Acting tells whether the token acts for a principal.
func (t *TokenInfo) Acting() bool { return t.Actor != "" }

// CheckAccessToken validates a bearer token for the sandbox's service
// audience: the JWT's signature (the provider's key), issuer and expiry, and
// that the token is still on record (not revoked, not signed out). A token
// acting for a principal must be meant for this service, and its grant is
// checked again now (revoked, expired, a renewed or suspended card: refused
// at once, and the refusal is in the principal's trail).
func (s *Server) CheckAccessToken(ctx context.Context, raw, audience string) (*TokenInfo, error) {
	obj, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, errors.New("not a signed access token")
	}
	payload, err := obj.Verify(&s.storage.key.PublicKey)
	if err != nil {
		return nil, errors.New("access token signature")
	}
	var c struct {
		Iss string `json:"iss"`
		Sub string `json:"sub"`
		Jti string `json:"jti"`
		Exp int64  `json:"exp"`
	}
	if err := json.Unmarshal(payload, &c); err != nil || c.Iss != s.Issuer || c.Jti == "" {
		return nil, errors.New("access token claims")
	}
	if s.storage.now().Unix() >= c.Exp {
		return nil, errors.New("access token expired")
	}
	var at accessToken
	if err := s.store.get(ctx, "access_tokens", c.Jti, &at); err != nil || at.Subject != c.Sub {
		return nil, errors.New("access token revoked or unknown")
	}
	var m subject
	if err := s.store.get(ctx, "subjects", c.Sub, &m); err != nil {
		return nil, errors.New("unknown subject")
	}
	ti := &TokenInfo{Subject: c.Sub, ClientID: at.ClientID, ResidentID: m.ResidentID, Scopes: at.Scopes, Audience: at.Audience,
		Actor: at.Actor, ActorResident: at.ActorResident, Grant: at.Grant}
	if !ti.Acting() {
		if s.store.suspended(ctx, m.ResidentID) { // the subject is read above: its resident, not again
			return nil, failure.New(proxy.CodeCardSuspended, "the card that opened this session is suspended")
		}
		return ti, nil
	}
	d := s.storage.delegations
	if d == nil {
		return nil, errors.New("acting tokens are not taken here")
	}
	if !slices.Contains(at.Audience, audience) {
		err := failure.Newf(proxy.CodeAudience, "this token is for %v, not %s", at.Audience, audience)
		d.Record(ctx, ti.ResidentID, ti.ActorResident, ti.Grant, "use", audience, err)
		return nil, err
	}
	if err := d.Check(ctx, ti.Grant); err != nil {
		d.Record(ctx, ti.ResidentID, ti.ActorResident, ti.Grant, "use", audience, err)
		return nil, err
	}
	return ti, nil
}

// Act checks that a token may do scope for its subject and, when it acts
// for a principal, writes the act (allowed or refused) to the principal's
// audit trail. A person's own token may do anything its service allows.
func (s *Server) Act(ctx context.Context, ti *TokenInfo, scope, detail string) error {
	if !ti.Acting() {
		return nil
	}
	var err error
	if !slices.Contains(ti.Scopes, scope) {
		err = failure.Newf(proxy.CodeNotGranted, "%s is not in the grant", scope)
	}
	s.storage.delegations.Record(ctx, ti.ResidentID, ti.ActorResident, ti.Grant, scope, detail, err)
	return err
}

// Refuse writes a refused act to the principal's trail (a service's own
// refusal, e.g. a protected field or a signature only the principal may
// give) and returns err.
func (s *Server) Refuse(ctx context.Context, ti *TokenInfo, action, detail string, err error) error {
	if ti.Acting() {
		s.storage.delegations.Record(ctx, ti.ResidentID, ti.ActorResident, ti.Grant, action, detail, err)
	}
	return err
}

// SubjectOf is a resident's subject at a client.
func (s *Server) SubjectOf(residentID, clientID string) string {
	return s.storage.pairwiseSubject(residentID, clientID)
}

// LiveRefreshTokens counts the refresh tokens that would still be accepted
// (sandbox diagnostics: tests check that nothing is left alive at the
// provider that nobody holds).
func (s *Server) LiveRefreshTokens(ctx context.Context) (int, error) {
	var n int
	err := s.store.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM refresh_tokens WHERE json_extract(data,'$.used')=0 AND (expires IS NULL OR expires > ?)`,
		s.storage.now().Unix()).Scan(&n)
	return n, err
}

// Resident returns a registered resident.
func (s *Server) Resident(ctx context.Context, id string) (Resident, error) {
	var r Resident
	return r, s.store.get(ctx, "residents", id, &r)
}

// Secret returns (creating once) a persisted secret of the sandbox, e.g. an
// issuer's signing key, under name.
func (s *Server) Secret(ctx context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	var v struct {
		B []byte `json:"b"`
	}
	if err := s.store.get(ctx, "keys", "secret/"+name, &v); err == nil {
		return v.B, nil
	}
	b, err := create()
	if err != nil {
		return nil, err
	}
	v.B = b
	return b, s.store.put(ctx, "keys", "secret/"+name, "", v, time.Time{})
}

// Done is closed when the server stops.
func (s *Server) Done() <-chan struct{} { return s.done }

// Close stops serving and closes the database.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	<-s.done
	if cerr := s.store.close(); err == nil {
		err = cerr
	}
	return err
}

// ResidentID is the provider's registry ID of a fixture resident.
func ResidentID(fixtureID string) string { return "res-" + fixtureID }

// seed registers the app client and the fixture residents (with their auth
// certificates) when missing. Residents are keyed by a registry ID, so a
// renewed certificate maps to the same resident (and the same subject).
// Each resident's subject at each client is registered with them: a
// resident is someone others may act for (a proxy's requested_subject)
// before they ever sign in themselves.
func (s *Server) seed(ctx context.Context) error {
	clients := []clientRecord{
		{ID: AppClientID, Native: true, AllowedScopes: AppScopes, TokenExchange: true,
			RedirectURIs:           []string{"http://127.0.0.1/callback"},
			PostLogoutRedirectURIs: []string{"http://127.0.0.1/signed-out"}},
		{ID: IntakeClientID, Native: true, AllowedScopes: append(slices.Clone(AppScopes), "mynumber"),
			RedirectURIs: []string{"http://127.0.0.1/callback"}},
	}
	for _, c := range clients {
		// registrations follow the code (the sandbox's data may predate them)
		if err := s.store.put(ctx, "clients", c.ID, "", c, time.Time{}); err != nil {
			return err
		}
	}
	rs, err := fixtures.Residents()
	if err != nil {
		return err
	}
	for _, r := range rs {
		k, err := r.Keys()
		if err != nil {
			return err
		}
		cert, err := x509.ParseCertificate(k.AuthCert)
		if err != nil {
			return err
		}
		res := Resident{ID: ResidentID(r.ID), Name: r.Name, Address: r.Address, BirthDate: r.BirthDate, Sex: r.Sex,
			NameKana: r.NameKana, AltName: r.AltName}
		if err := s.store.put(ctx, "residents", res.ID, "", res, time.Time{}); err != nil {
			return err
		}
		for _, c := range clients {
			if _, err := s.storage.registerSubject(ctx, res.ID, c.ID); err != nil {
				return err
			}
		}
		if err := s.store.put(ctx, "certs", certKey(cert), res.ID, map[string]string{"resident_id": res.ID}, time.Time{}); err != nil {
			return err
		}
		if _, err := s.store.standingOf(ctx, res.ID); errors.Is(err, errNotFound) {
			if err := s.store.put(ctx, "standing", res.ID, "", Standing{Card: certKey(cert), Changed: s.storage.now()}, time.Time{}); err != nil {
				return err
			}
		}
	}
	return nil
}

// ensureDevTLS creates, once, a development CA and a server certificate for
// 127.0.0.1 / ::1 / localhost under dir.
func ensureDevTLS(dir string) (tls.Certificate, string, error) {
	caFile := filepath.Join(dir, "dev-ca.pem")
	certFile := filepath.Join(dir, "server.pem")
	keyFile := filepath.Join(dir, "server-key.pem")
	if c, err := tls.LoadX509KeyPair(certFile, keyFile); err == nil {
		if _, err := os.Stat(caFile); err == nil {
			return c, caFile, nil
		}
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()),
		Subject:   pkix.Name{CommonName: "Madoguchi sandbox development CA (" + filepath.Base(dir) + ")"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(5, 0, 0),
		IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano() + 1),
		Subject:   pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(2, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	for _, f := range []struct {
		path, typ string
		der       []byte
		mode      os.FileMode
	}{{caFile, "CERTIFICATE", caDER, 0o644}, {certFile, "CERTIFICATE", der, 0o644}, {keyFile, "PRIVATE KEY", keyDER, 0o600}} {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), f.mode); err != nil {
			return tls.Certificate{}, "", err
		}
	}
	c, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, "", fmt.Errorf("idp: dev TLS: %w", err)
	}
	return c, caFile, nil
}

// ForgeToken signs arbitrary claims with the provider's current key. Sandbox
// only: negative tests use it to build ID tokens that are correctly signed
// but wrong in one claim (issuer, audience, expiry).
func (s *Server) ForgeToken(claims map[string]any) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: s.storage.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", s.storage.keyID))
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	obj, err := signer.Sign(b)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}
