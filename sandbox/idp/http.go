package idp

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// What the provider does over zitadel's op handler, in front of it:
//
//   - Cache-Control: no-store (and Pragma: no-cache) on every response that
//     may carry a token or personal data (token, userinfo, revocation,
//     introspection, authorization; RFC 6749 §5.1, OIDC Core §5.3.2);
//   - redirect_uri with a fragment refused before anything else (RFC 6749
//     §3.1.2), without redirecting to it;
//   - iss on every authorization response redirected to a client (RFC 9207);
//   - a discovery document that states exactly what is supported.

const (
	pathAuthorize = "/authorize"
	pathDiscovery = "/.well-known/openid-configuration"
)

// front wraps the op handler.
func (s *Server) front(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == pathDiscovery {
			s.discovery(w, r)
			return
		}
		if r.URL.Path != "/keys" {
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Pragma", "no-cache")
		}
		r = markExchange(r)
		if strings.HasPrefix(r.URL.Path, pathAuthorize) {
			if ru := r.FormValue("redirect_uri"); strings.Contains(ru, "#") {
				writeOAuthError(w, http.StatusBadRequest, "invalid_request", "redirect_uri must not contain a fragment")
				return
			}
			w = &issWriter{ResponseWriter: w, issuer: s.Issuer}
		}
		next.ServeHTTP(w, r)
	})
}

func writeOAuthError(w http.ResponseWriter, status int, typ, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": typ, "error_description": desc})
}

// issWriter adds iss (RFC 9207) to a redirect that carries an authorization
// response (code or error) to a client.
type issWriter struct {
	http.ResponseWriter
	issuer string
}

func (w *issWriter) WriteHeader(code int) {
	if code/100 == 3 {
		if loc := w.Header().Get("Location"); loc != "" && !strings.HasPrefix(loc, w.issuer) {
			if u, err := url.Parse(loc); err == nil {
				q := u.Query()
				if (q.Has("code") || q.Has("error")) && !q.Has("iss") {
					q.Set("iss", w.issuer)
					u.RawQuery = q.Encode()
					w.Header().Set("Location", u.String())
				}
			}
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *issWriter) Write(b []byte) (int, error) { return w.ResponseWriter.Write(b) }

// discovery serves zitadel's document corrected to what this provider does:
// pairwise subjects only, the code flow with PKCE S256 and refresh tokens
// only, public clients without authentication, query responses with iss.
func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	ctx := op.ContextWithIssuer(r.Context(), s.Issuer)
	cfg := op.CreateDiscoveryConfig(ctx, s.provider, s.storage)
	b, err := json.Marshal(cfg)
	if err != nil {
		http.Error(w, "discovery", http.StatusInternalServerError)
		return
	}
	var doc map[string]any
	_ = json.Unmarshal(b, &doc)
	doc["subject_types_supported"] = []string{"pairwise"}
	doc["response_types_supported"] = []string{string(oidc.ResponseTypeCode)}
	doc["response_modes_supported"] = []string{"query"}
	doc["grant_types_supported"] = []string{string(oidc.GrantTypeCode), string(oidc.GrantTypeRefreshToken), string(oidc.GrantTypeTokenExchange)}
	doc["code_challenge_methods_supported"] = []string{string(oidc.CodeChallengeMethodS256)}
	doc["token_endpoint_auth_methods_supported"] = []string{string(oidc.AuthMethodNone)}
	doc["revocation_endpoint_auth_methods_supported"] = []string{string(oidc.AuthMethodNone)}
	doc["authorization_response_iss_parameter_supported"] = true
	doc["prompt_values_supported"] = []string{"none", "login"}
	doc["acr_values_supported"] = []string{ACR}
	doc["request_parameter_supported"] = false
	doc["request_uri_parameter_supported"] = false
	doc["claims_parameter_supported"] = false
	for _, k := range []string{"device_authorization_endpoint", "check_session_iframe", "introspection_endpoint",
		"introspection_endpoint_auth_methods_supported", "introspection_endpoint_auth_signing_alg_values_supported",
		"token_endpoint_auth_signing_alg_values_supported", "revocation_endpoint_auth_signing_alg_values_supported",
		"request_object_signing_alg_values_supported"} {
		delete(doc, k)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(doc)
}
