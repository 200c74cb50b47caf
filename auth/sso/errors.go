package sso

import (
	"errors"
	"fmt"
)

// Code is a stable failure code of sign-in.
type Code string

const (
	CodeUnreachable    Code = "SSO-PROVIDER-UNREACHABLE"
	CodeStateMismatch  Code = "SSO-STATE-MISMATCH"
	CodeIssuerMismatch Code = "SSO-ISSUER-MISMATCH"
	CodeNonceMismatch  Code = "SSO-NONCE-MISMATCH"
	CodeIDToken        Code = "SSO-ID-TOKEN-INVALID"
	CodeLoginRefused   Code = "SSO-LOGIN-REFUSED" // the provider refused the card login (see ProviderCode)
	CodeAuthError      Code = "SSO-AUTHORIZATION-ERROR"
	CodeTokenError     Code = "SSO-TOKEN-ERROR"
	CodeForeignURL     Code = "SSO-FOREIGN-URL" // the provider sent us somewhere else
	CodeSessionExpired Code = "SSO-SESSION-EXPIRED"
	CodeProfile        Code = "SSO-PROFILE"
	// CodeConsentDeclined: the person did not agree to what the sign-in asks
	// beyond the basics; nothing was sent to the card.
	CodeConsentDeclined Code = "SSO-CONSENT-DECLINED"
)

// Codes lists every sign-in failure code (each is explained in every
// language; see the catalogue test).
var Codes = []Code{CodeUnreachable, CodeStateMismatch, CodeIssuerMismatch, CodeNonceMismatch, CodeIDToken,
	CodeLoginRefused, CodeAuthError, CodeTokenError, CodeForeignURL, CodeSessionExpired, CodeProfile, CodeConsentDeclined}

// Error is a sign-in failure.
type Error struct {
	Code Code
	// ProviderCode is the provider's own failure code (e.g. AUTH-CERT-REVOKED)
	// or OAuth error (e.g. invalid_grant), when there is one.
	ProviderCode string
	Detail       string
	Err          error
}

func (e *Error) Error() string {
	s := string(e.Code)
	if e.ProviderCode != "" {
		s += " (" + e.ProviderCode + ")"
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// FailureCode is the code for the UI's failure catalogue.
func (e *Error) FailureCode() string { return string(e.Code) }

// FailureData is the template data for the failure text.
func (e *Error) FailureData() map[string]any { return map[string]any{"ProviderCode": e.ProviderCode} }

// CodeOf returns the sign-in failure code of err, or "".
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ProviderCodeOf returns the provider's code inside err, or "".
func ProviderCodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.ProviderCode
	}
	return ""
}

func fail(code Code, format string, a ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, a...)}
}
