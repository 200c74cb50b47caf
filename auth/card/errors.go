package card

import (
	"errors"
	"fmt"
	"strings"

	"madoguchi/protocol/mynacard"
)

// Code is a stable failure code. Codes never change meaning once released: the
// UI's failure catalogue (i18n keys failure.<code>.cause / .action), logs and
// support conversations all refer to them.
type Code string

// Failure codes of the card layer.
const (
	CodeCardRemoved        Code = "CARD-REMOVED"        // the card left the reader during an operation
	CodeReaderRemoved      Code = "READER-REMOVED"      // the reader was unplugged
	CodeNoReader           Code = "READER-MISSING"      // no reader connected
	CodeNoCard             Code = "CARD-MISSING"        // reader present, no card in it
	CodePCSCUnavailable    Code = "PCSC-UNAVAILABLE"    // the PC/SC service is not running
	CodeWrongPIN           Code = "PIN-WRONG"           // wrong PIN, tries left in TriesLeft
	CodePINBlocked         Code = "PIN-BLOCKED"         // no tries left: reset at the municipal office
	CodeLastTryUnconfirmed Code = "PIN-LAST-TRY"        // one try left and the caller did not confirm spending it
	CodePINFormat          Code = "PIN-FORMAT"          // PIN does not follow its rule; nothing was sent
	CodeFileNotFound       Code = "CARD-FILE-NOT-FOUND" // application or file absent on this card
	CodeSecurityStatus     Code = "CARD-SECURITY"       // the file needs a PIN first
	CodeUnsupportedCard    Code = "CARD-UNSUPPORTED"    // not a My Number card
	CodeNoSignCert         Code = "CARD-NO-SIGN-CERT"   // card holds no signature certificate (e.g. under 15)
	CodeProtocol           Code = "CARD-PROTOCOL"       // malformed response or unexpected status word
	CodeCardData           Code = "CARD-DATA"           // card data could not be parsed
	CodeUnsupportedHash    Code = "CARD-HASH"           // signing with a hash/padding the card cannot do
	CodeCardReset          Code = "CARD-RESET"          // another program reset the card (twice in one operation)
	CodeTimeout            Code = "CARD-TIMEOUT"        // the card, reader or another program's transaction did not end in time
	CodeCancelled          Code = "CANCELLED"           // the person (Ctrl-C, closed window) stopped the operation
	CodeReaderChoice       Code = "READER-CHOICE"       // cards in several readers: the caller must say which
	CodeReaderUnknown      Code = "READER-UNKNOWN"      // no reader of the requested name
)

// Codes lists every failure code of the card layer (the UI's catalogue must
// explain each one in every language: see the i18n test in this package).
var Codes = []Code{CodeCardRemoved, CodeReaderRemoved, CodeNoReader, CodeNoCard, CodePCSCUnavailable,
	CodeWrongPIN, CodePINBlocked, CodeLastTryUnconfirmed, CodePINFormat, CodeFileNotFound,
	CodeSecurityStatus, CodeUnsupportedCard, CodeNoSignCert, CodeProtocol, CodeCardData, CodeUnsupportedHash,
	CodeCardReset, CodeTimeout, CodeCancelled, CodeReaderChoice, CodeReaderUnknown}

// Error is a card-layer failure with a stable code. It never carries a PIN or
// a My Number: Detail is for engineers and holds only protocol facts.
type Error struct {
	Code Code
	// SW is the status word that caused the error, 0 when none.
	SW uint16
	// TriesLeft is set for CodeWrongPIN (and 0 for CodePINBlocked).
	TriesLeft int
	// Secret names the secret concerned, for PIN errors.
	Secret Secret
	// Reader and Readers name the requested reader and the connected ones,
	// for READER-UNKNOWN and READER-CHOICE.
	Reader  string
	Readers []string
	Detail  string
	Err     error
}

func (e *Error) Error() string {
	s := string(e.Code)
	if e.Secret != "" {
		s += " (" + string(e.Secret) + ")"
	}
	if e.Code == CodeWrongPIN {
		s += fmt.Sprintf(": %d tries left", e.TriesLeft)
	}
	if e.SW != 0 {
		s += fmt.Sprintf(" [SW %04X]", e.SW)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if len(e.Readers) > 0 {
		s += " (readers: " + strings.Join(e.Readers, ", ") + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// FailureCode is the stable code for the UI's failure catalogue.
func (e *Error) FailureCode() string { return string(e.Code) }

// FailureData is the template data for the failure text (never a PIN).
func (e *Error) FailureData() map[string]any {
	d := map[string]any{"TriesLeft": e.TriesLeft}
	if e.Secret != "" {
		d["Secret"] = string(e.Secret)
	}
	if e.Reader != "" {
		d["Reader"] = e.Reader
	}
	d["Readers"] = strings.Join(e.Readers, ", ")
	return d
}

// Is lets errors.Is(err, ErrCardRemoved) match by code.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code && t.Detail == "" && t.SW == 0
	}
	return false
}

// Sentinels for errors.Is; compare by code.
var (
	ErrCardRemoved   = &Error{Code: CodeCardRemoved}
	ErrReaderRemoved = &Error{Code: CodeReaderRemoved}
	ErrNoReader      = &Error{Code: CodeNoReader}
	ErrNoCard        = &Error{Code: CodeNoCard}
	ErrPINBlocked    = &Error{Code: CodePINBlocked}
	ErrWrongPIN      = &Error{Code: CodeWrongPIN}
	ErrLastTry       = &Error{Code: CodeLastTryUnconfirmed}
	ErrPINFormat     = &Error{Code: CodePINFormat}
	ErrFileNotFound  = &Error{Code: CodeFileNotFound}
	ErrSecurity      = &Error{Code: CodeSecurityStatus}
	ErrUnsupported   = &Error{Code: CodeUnsupportedCard}
)

// CodeOf returns the failure code of err, or "" if it carries none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// swError maps a non-success status word to a typed error.
func swError(sw uint16, op string) error {
	switch {
	case sw&0xFFF0 == 0x63C0:
		n := int(sw & 0x0F)
		if n == 0 {
			return &Error{Code: CodePINBlocked, SW: sw, Detail: op}
		}
		return &Error{Code: CodeWrongPIN, SW: sw, TriesLeft: n, Detail: op}
	case sw == mynacard.SWAuthBlocked || sw == mynacard.SWRefDataInvalidated:
		return &Error{Code: CodePINBlocked, SW: sw, Detail: op}
	case sw == mynacard.SWFileNotFound || sw == mynacard.SWRefDataNotFound:
		return &Error{Code: CodeFileNotFound, SW: sw, Detail: op}
	case sw == mynacard.SWSecurityNotSatisfied:
		return &Error{Code: CodeSecurityStatus, SW: sw, Detail: op}
	default:
		return &Error{Code: CodeProtocol, SW: sw, Detail: op}
	}
}

func dataErr(format string, a ...any) error {
	return &Error{Code: CodeCardData, Detail: fmt.Sprintf(format, a...)}
}

// wireErr gives a protocol/mynacard format error its failure code:
// CARD-PROTOCOL for a malformed response, CARD-DATA for malformed data.
func wireErr(err error) error {
	var fe *mynacard.FormatError
	if !errors.As(err, &fe) {
		return err
	}
	if fe.Response {
		return &Error{Code: CodeProtocol, Detail: fe.Detail}
	}
	return &Error{Code: CodeCardData, Detail: fe.Detail}
}
