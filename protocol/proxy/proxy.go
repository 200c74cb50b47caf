// Package proxy owns the wire format of registered proxies, shared by the
// sandbox's proxy registry and provider and by the app: grants and their
// scopes, invitations, the registry's paths, the principal's audit entries,
// the OAuth 2.0 Token Exchange (RFC 8693) parameters the app sends to act
// for a principal, the audiences an exchanged token is restricted to, and
// the failure codes a service answers when a grant does not allow an act.
package proxy

import (
	"slices"
	"strings"
	"time"

	"madoguchi/i18n/failure"
)

// Scope is the OAuth scope a person's own sign-in needs to use the registry.
const Scope = "proxy"

// Registry paths on the municipality's server.
const (
	InvitationsPath = "/proxy/invitations"        // POST: the principal invites
	RedeemPath      = "/proxy/invitations/redeem" // POST: the proxy accepts a code
	GrantsPath      = "/proxy/grants"             // GET: both sides' relations; POST {id}/revoke, {id}/confirm
	AuditPath       = "/proxy/audit"              // GET: the principal's trail of acts on their behalf
)

// Token exchange (RFC 8693) as the provider takes it: the proxy's own access
// token is the subject token, the principal is named by RequestedSubject,
// the audience is one service, and the scopes asked are cut down to what
// the grant allows.
const (
	GrantTypeTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	TokenTypeAccessToken   = "urn:ietf:params:oauth:token-type:access_token"
	// RequestedSubject names the principal (their subject at this client).
	RequestedSubject = "requested_subject"
)

// Audiences an exchanged token is restricted to: one service each.
const (
	AudienceCertificates = "urn:madoguchi:service:certificates"
	AudienceApplications = "urn:madoguchi:service:applications"
)

// Lifetimes.
const (
	DefaultGrantValidity = 365 * 24 * time.Hour
	MaxGrantValidity     = 3 * 365 * 24 * time.Hour
	InvitationValidity   = 72 * time.Hour
	// ExchangedTTL is the longest an exchanged token lives (never past the
	// grant's end).
	ExchangedTTL = 5 * time.Minute
)

// Grant scopes: what a principal lets a proxy do.
const (
	CertPrefix    = "cert:"    // + residence | tax | attributes: fetch that certificate
	PreparePrefix = "prepare:" // + procedure: prepare its form
	FilePrefix    = "file:"    // + procedure: file it (implies prepare)
	ScopeStatus   = "status"   // see the principal's applications and their status
	// ScopeProtected lets the proxy see protected fields (address,
	// household): withheld from every proxy unless the principal allows it.
	ScopeProtected = "protected"
)

// CertKinds are the certificates a proxy may be granted.
var CertKinds = []string{"residence", "tax", "attributes"}

// ProtectedFields are the fields of a certificate withheld from a proxy
// unless the grant has ScopeProtected (支援措置: where a person lives and
// with whom).
var ProtectedFields = []string{"address", "address_parts", "household_members", "household_head", "relationship", "moved_in"}

// CertScope is the scope to fetch a certificate kind.
func CertScope(kind string) string { return CertPrefix + kind }

// FileScope is the scope to file a procedure.
func FileScope(procedure string) string { return FilePrefix + procedure }

// PrepareScope is the scope to prepare a procedure.
func PrepareScope(procedure string) string { return PreparePrefix + procedure }

// ForAudience tells whether a token for the service audience may carry
// scope: certificates take cert:* and protected, applications file:* and
// status (the provider cuts an exchange to these; the app asks only these).
func ForAudience(audience, scope string) bool {
	switch audience {
	case AudienceCertificates:
		return strings.HasPrefix(scope, CertPrefix) || scope == ScopeProtected
	case AudienceApplications:
		return strings.HasPrefix(scope, FilePrefix) || scope == ScopeStatus
	}
	return false
}

// ValidScope tells whether s is a grant scope.
func ValidScope(s string) bool {
	switch {
	case s == ScopeStatus || s == ScopeProtected:
		return true
	case strings.HasPrefix(s, CertPrefix):
		return slices.Contains(CertKinds, strings.TrimPrefix(s, CertPrefix))
	case strings.HasPrefix(s, PreparePrefix), strings.HasPrefix(s, FilePrefix):
		p := s[strings.IndexByte(s, ':')+1:]
		return p != "" && !strings.ContainsAny(p, " :")
	}
	return false
}

// Statuses of a grant.
const (
	StatusPending = "pending" // invited, not accepted yet
	StatusActive  = "active"
	StatusRevoked = "revoked"
	StatusExpired = "expired"
	// StatusNeedsConfirmation: a card of either side was renewed or
	// re-issued, or the principal came under protection, since the
	// principal last confirmed; nothing is allowed until they confirm.
	StatusNeedsConfirmation = "needs-confirmation"
	// StatusSuspended: a card the grant depends on is suspended.
	StatusSuspended = "suspended"
)

// Party is one side of a grant.
type Party struct {
	Subject string `json:"sub"`
	Name    string `json:"name"`
}

// Grant is a registered proxy relation.
type Grant struct {
	ID        string    `json:"id"`
	Principal Party     `json:"principal"`
	Proxy     Party     `json:"proxy"` // empty while pending
	Scopes    []string  `json:"scopes"`
	Note      string    `json:"note,omitempty"`
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires"`
	Status    string    `json:"status"`
}

// Allows tells whether the grant, as listed, lets the proxy do scope now:
// the app shows only what this allows (the services check again on every
// request).
func (g Grant) Allows(scope string) bool {
	if g.Status != StatusActive {
		return false
	}
	if slices.Contains(g.Scopes, scope) {
		return true
	}
	if p, ok := strings.CutPrefix(scope, PreparePrefix); ok {
		return slices.Contains(g.Scopes, FileScope(p))
	}
	return false
}

// Grants are a person's relations, both ways.
type Grants struct {
	// ActForMe: people who act for me (I am the principal).
	ActForMe []Grant `json:"act_for_me"`
	// IActFor: people I act for (I am the proxy).
	IActFor []Grant `json:"i_act_for"`
}

// InviteRequest is the principal's grant, to be bound to a proxy.
type InviteRequest struct {
	Scopes  []string  `json:"scopes"`
	Expires time.Time `json:"expires,omitzero"` // zero: DefaultGrantValidity
	Note    string    `json:"note,omitempty"`
}

// Invitation is the one-time code the principal gives the proxy.
type Invitation struct {
	Code    string    `json:"code"`
	Expires time.Time `json:"expires"`
	Grant   Grant     `json:"grant"`
}

// RedeemRequest accepts an invitation.
type RedeemRequest struct {
	Code string `json:"code"`
}

// AuditEntry is one act on the principal's behalf, allowed or refused.
type AuditEntry struct {
	At      time.Time `json:"at"`
	Grant   string    `json:"grant"`
	Actor   Party     `json:"actor"`
	Action  string    `json:"action"` // exchange, cert:residence, file:…, status, revoke…
	Detail  string    `json:"detail,omitempty"`
	Allowed bool      `json:"allowed"`
	Code    string    `json:"code,omitempty"` // the refusal's code
}

// Error is a refusal from the registry or a service acting on a grant.
type Error struct {
	Code        string `json:"failure_code"`
	Description string `json:"error_description,omitempty"`
}

// Codes a service answers when a grant does not allow an act.
const (
	CodeNotGranted        failure.Code = "PROXY-NOT-GRANTED"        // outside the grant's scopes
	CodeGrantExpired      failure.Code = "PROXY-GRANT-EXPIRED"      // the grant's end has passed
	CodeGrantRevoked      failure.Code = "PROXY-GRANT-REVOKED"      // the principal revoked it
	CodeReconfirm         failure.Code = "PROXY-GRANT-RECONFIRM"    // a card was renewed: the principal must confirm again
	CodeCardSuspended     failure.Code = "PROXY-CARD-SUSPENDED"     // a card the grant depends on is suspended
	CodeNoGrant           failure.Code = "PROXY-NO-GRANT"           // no grant between these two people (or not yet accepted)
	CodeInvitationInvalid failure.Code = "PROXY-INVITATION-INVALID" // unknown, expired or already used
	CodeInvitationTries   failure.Code = "PROXY-INVITATION-TRIES"   // too many wrong codes in an hour
	CodeSelf              failure.Code = "PROXY-SELF"               // the principal cannot be their own proxy
	CodeChain             failure.Code = "PROXY-CHAIN"              // a proxy cannot pass acting on to another
	CodeAudience          failure.Code = "PROXY-AUDIENCE"           // an exchanged token used at another service
	CodeOwnSignature      failure.Code = "PROXY-OWN-SIGNATURE"      // the law needs the principal's own signature
	CodeProtectedField    failure.Code = "PROXY-PROTECTED-FIELD"    // address or household, not allowed by the principal
	CodeBadScope          failure.Code = "PROXY-SCOPE-INVALID"      // an unknown scope in an invitation
	CodeNotPrincipal      failure.Code = "PROXY-NOT-PRINCIPAL"      // only the principal may do this
)

// Codes lists every code of registered proxies.
var Codes = failure.Register("protocol/proxy", CodeNotGranted, CodeGrantExpired, CodeGrantRevoked, CodeReconfirm,
	CodeCardSuspended, CodeNoGrant, CodeInvitationInvalid, CodeInvitationTries, CodeSelf, CodeChain, CodeAudience, CodeOwnSignature,
	CodeProtectedField, CodeBadScope, CodeNotPrincipal)

// StatusCode is the refusal code for a grant that is not active.
func StatusCode(status string) failure.Code {
	switch status {
	case StatusExpired:
		return CodeGrantExpired
	case StatusRevoked:
		return CodeGrantRevoked
	case StatusNeedsConfirmation:
		return CodeReconfirm
	case StatusSuspended:
		return CodeCardSuspended
	}
	return CodeNoGrant
}
