package sso

import "madoguchi/i18n/failure"

// Failure codes of sign-in (texts: i18n failure.<code>.*).
const (
	CodeUnreachable    failure.Code = "SSO-PROVIDER-UNREACHABLE"
	CodeStateMismatch  failure.Code = "SSO-STATE-MISMATCH"
	CodeIssuerMismatch failure.Code = "SSO-ISSUER-MISMATCH"
	CodeNonceMismatch  failure.Code = "SSO-NONCE-MISMATCH"
	CodeIDToken        failure.Code = "SSO-ID-TOKEN-INVALID"
	CodeLoginRefused   failure.Code = "SSO-LOGIN-REFUSED" // the provider refused the card login (see DataProviderCode)
	CodeAuthError      failure.Code = "SSO-AUTHORIZATION-ERROR"
	CodeTokenError     failure.Code = "SSO-TOKEN-ERROR"
	CodeForeignURL     failure.Code = "SSO-FOREIGN-URL" // the provider sent us somewhere else
	CodeSessionExpired failure.Code = "SSO-SESSION-EXPIRED"
	CodeProfile        failure.Code = "SSO-PROFILE"
	// CodeConsentDeclined: the person did not agree to what the sign-in asks
	// beyond the basics; nothing was sent to the card.
	CodeConsentDeclined failure.Code = "SSO-CONSENT-DECLINED"
)

// Codes lists the sign-in failure codes.
var Codes = failure.Register("auth/sso", CodeUnreachable, CodeStateMismatch, CodeIssuerMismatch, CodeNonceMismatch,
	CodeIDToken, CodeLoginRefused, CodeAuthError, CodeTokenError, CodeForeignURL, CodeSessionExpired, CodeProfile,
	CodeConsentDeclined)

// DataProviderCode is the data key of the provider's own failure code (e.g.
// AUTH-CERT-REVOKED) or OAuth error (e.g. invalid_grant); the catalogue
// explains the provider's code in place of ours when it knows it.
const DataProviderCode = "ProviderCode"

// refused is a failure with the provider's own code ("" : none).
func refused(code failure.Code, providerCode, detail string, err error) *failure.Error {
	e := &failure.Error{Code: code, Detail: detail, Err: err}
	if providerCode != "" {
		e.With(DataProviderCode, providerCode)
	}
	return e
}

// ProviderCodeOf returns the provider's code inside err, or "".
func ProviderCodeOf(err error) string { return failure.StringOf(err, DataProviderCode) }

func fail(code failure.Code, format string, a ...any) *failure.Error {
	return failure.Newf(code, format, a...)
}
