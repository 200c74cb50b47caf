package sso

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// tamper stands between the client and the provider (the client's own
// http.Client transport) to see and change what crosses: the tests' seam,
// so the production flow carries none.
type tamper struct {
	base http.RoundTripper

	mu sync.Mutex
	// final rewrites the provider's last redirect (to our loopback).
	final func(loc string) string
	// token rewrites the token request's form; returning false answers
	// invalid_grant without asking the provider (the code is kept unused).
	token func(form url.Values) bool
	// seen, per path, the last request's query or body
	authorizeQuery url.Values
	tokenForm      url.Values
	loginBodies    []string
	loginURL       string
}

func (tp *tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	switch {
	case strings.HasSuffix(r.URL.Path, "/authorize"):
		tp.authorizeQuery = r.URL.Query()
	case strings.HasSuffix(r.URL.Path, "/login/card") && r.Body != nil:
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		tp.loginBodies = append(tp.loginBodies, string(b))
		tp.loginURL = r.URL.String()
	case strings.HasSuffix(r.URL.Path, "/oauth/token") && r.Body != nil:
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		if form.Get("grant_type") == "authorization_code" {
			tp.tokenForm = form
			if tp.token != nil && !tp.token(form) {
				return &http.Response{StatusCode: http.StatusBadRequest, Request: r, Header: http.Header{"Content-Type": {"application/json"}},
					Body: io.NopCloser(strings.NewReader(`{"error":"invalid_grant","error_description":"held back by the test"}`))}, nil
			}
			b = []byte(form.Encode())
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
	}
	resp, err := tp.base.RoundTrip(r)
	if err == nil && tp.final != nil && resp.StatusCode/100 == 3 {
		if loc := resp.Header.Get("Location"); strings.HasPrefix(loc, "http://127.0.0.1") && strings.Contains(loc, "/callback") {
			resp.Header.Set("Location", tp.final(loc))
		}
	}
	return resp, err
}

// tap puts a tamper on the client's transport for the rest of the test.
func tap(t *testing.T, c *Client) *tamper {
	t.Helper()
	base := c.http.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	tp := &tamper{base: base}
	c.http.Transport = tp
	t.Cleanup(func() { c.http.Transport = base })
	return tp
}
