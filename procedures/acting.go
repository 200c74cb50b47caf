package procedures

import (
	"slices"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/proxy"
)

// Acting is who works the plan and what they may do, handed to the plan
// once as data (the account knows the grant; the plan decides with it):
// a person for themselves may do everything; a proxy, what the principal's
// grant covers.
type Acting struct {
	// Principal is the name of the person acted for ("" : oneself).
	Principal string
	// Grant is the principal's grant (nil: acting for oneself).
	Grant *proxy.Grant
}

// ForSomeone tells whether a proxy acts for a principal.
func (w Acting) ForSomeone() bool { return w.Grant != nil }

// Allows tells whether the acting person may do scope (always, for
// oneself).
func (w Acting) Allows(scope string) bool { return w.Grant == nil || w.Grant.Allows(scope) }

// Limits of a proxy at an online procedure.
const (
	LimitNone         = ""
	LimitOwnSignature = "own-signature" // the law leaves signing to the principal: the proxy prepares it
	LimitNotGranted   = "not-granted"   // the grant does not cover filing it
	LimitPrepareOnly  = "prepare-only"  // the grant covers preparing it, not filing
)

// Limit says what keeps the acting person from filing an online
// procedure of the plan for the principal (LimitNone: nothing).
func (p *Plan) Limit(w Acting, id string) string {
	if !w.ForSomeone() {
		return LimitNone
	}
	switch {
	case p.OwnSignature(id):
		return LimitOwnSignature
	case w.Allows(proxy.FileScope(id)):
		return LimitNone
	case w.Allows(proxy.PrepareScope(id)):
		return LimitPrepareOnly
	}
	return LimitNotGranted
}

// MayFile tells whether the acting person may sign and file the plan's
// online procedures: always for oneself; for a principal, only when the
// grant covers each procedure, the certificates attached and any
// protected field they disclose, and none needs the principal's own
// signature. The window says it before offering to sign; filing checks it
// again.
func (p *Plan) MayFile(w Acting) error {
	if !w.ForSomeone() {
		return nil
	}
	for _, id := range p.Online() {
		switch p.Limit(w, id) {
		case LimitOwnSignature:
			return failure.Newf(proxy.CodeOwnSignature, "%s needs the principal's own signature", id).With("Principal", w.Principal)
		case LimitNotGranted, LimitPrepareOnly:
			return failure.Newf(proxy.CodeNotGranted, "the grant does not cover filing %s", id).With("Principal", w.Principal)
		}
	}
	for _, at := range p.Attachments() {
		if !w.Allows(proxy.CertScope(at.Certificate)) {
			return failure.Newf(proxy.CodeNotGranted, "the grant does not cover the %s attached", at.Certificate).With("Principal", w.Principal)
		}
		if !w.Allows(proxy.ScopeProtected) && slices.ContainsFunc(at.Fields, func(f string) bool { return slices.Contains(proxy.ProtectedFields, f) }) {
			return failure.Newf(proxy.CodeProtectedField, "the %s attached discloses %v", at.Certificate, at.Fields).With("Principal", w.Principal)
		}
	}
	return nil
}
