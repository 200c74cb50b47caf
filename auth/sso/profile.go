package sso

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"madoguchi/i18n/failure"
)

// Profile describes one municipality: its provider, the app's client there,
// the CA bundle to trust for it, and its services. The sandbox profile is
// bundled for the demo.
type Profile struct {
	ID       string   `json:"id"`
	Issuer   string   `json:"issuer"`
	ClientID string   `json:"client_id"`
	Scopes   []string `json:"scopes"`
	// CAFile is a PEM bundle trusted for this municipality's servers in
	// addition to the system roots (the sandbox's development CA). Empty:
	// system roots only. Verification is never disabled.
	CAFile string `json:"ca_file,omitempty"`
	// DisplayName per language tag ("ja", "en", …).
	DisplayName map[string]string `json:"display_name"`
	// Services maps a service (certificates, applications, proxy) to its URL.
	Services map[string]string `json:"services,omitempty"`
	// Recipients are the places this municipality lists for presenting a
	// certificate (verifiers speaking protocol/certs' nonce + present
	// exchange at URL). A presentation goes only to one named here or in
	// the request, never to a built-in one.
	Recipients []Recipient `json:"recipients,omitempty"`
	// Procedures is the municipality's own rules for life events (closed
	// days, what it offers, changes to bundled procedures), read by
	// procedures.ParseOverrides.
	Procedures json.RawMessage `json:"procedures,omitempty"`
}

// Recipient is a verifier a certificate can be presented to.
type Recipient struct {
	ID      string `json:"id"`      // names it (the UI's text: recipient.<id>)
	URL     string `json:"url"`     // base URL of its exchange
	Purpose string `json:"purpose"` // why (the UI's text: purpose.<purpose>)
}

// RecipientByID finds a listed recipient; "" picks the only one.
func (p Profile) RecipientByID(id string) (Recipient, bool) {
	if id == "" && len(p.Recipients) == 1 {
		return p.Recipients[0], true
	}
	for _, r := range p.Recipients {
		if r.ID == id {
			return r, true
		}
	}
	return Recipient{}, false
}

// DefaultScopes asks for the four attributes and the service scopes.
var DefaultScopes = []string{"openid", "offline_access", "name", "address", "birthdate", "gender",
	"certificates", "applications", "proxy"}

// LoadProfile reads a profile file.
func LoadProfile(path string) (Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Profile{}, &failure.Error{Code: CodeProfile, Err: err}
	}
	p, err := ParseProfile(b)
	if e, ok := failure.As(err); ok {
		e.Detail = path + ": " + e.Detail
	}
	return p, err
}

// ParseProfile reads a profile: it must name an https issuer (http only on
// this computer's loopback, for the sandbox) and a client id.
func ParseProfile(data []byte) (Profile, error) {
	var p Profile
	if err := json.Unmarshal(data, &p); err != nil {
		return p, &failure.Error{Code: CodeProfile, Detail: "not a profile", Err: err}
	}
	u, err := url.Parse(p.Issuer)
	if err != nil || p.ClientID == "" || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname()))) {
		return p, fail(CodeProfile, "a profile names an https issuer and a client_id")
	}
	if len(p.Scopes) == 0 {
		p.Scopes = DefaultScopes
	}
	return p, nil
}

// isLoopback reports whether host is this computer.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// HTTPClient returns a client trusting the system roots plus the profile's
// CA bundle.
func (p Profile) HTTPClient() (*http.Client, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if p.CAFile != "" {
		b, err := os.ReadFile(p.CAFile)
		if err != nil {
			return nil, &failure.Error{Code: CodeProfile, Detail: "CA bundle", Err: err}
		}
		if !pool.AppendCertsFromPEM(b) {
			return nil, fail(CodeProfile, "no certificate in %s", p.CAFile)
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, nil
}
