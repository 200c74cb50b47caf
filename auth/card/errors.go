package card

import (
	"errors"
	"fmt"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/mynacard"
)

// Failure codes of the card layer (texts: i18n failure.<code>.*).
const (
	CodeCardRemoved        failure.Code = "CARD-REMOVED"        // the card left the reader during an operation
	CodeReaderRemoved      failure.Code = "READER-REMOVED"      // the reader was unplugged
	CodeNoReader           failure.Code = "READER-MISSING"      // no reader connected
	CodeNoCard             failure.Code = "CARD-MISSING"        // reader present, no card in it
	CodePCSCUnavailable    failure.Code = "PCSC-UNAVAILABLE"    // the PC/SC service is not running
	CodeWrongPIN           failure.Code = "PIN-WRONG"           // wrong PIN, tries left in data TriesLeft
	CodePINBlocked         failure.Code = "PIN-BLOCKED"         // no tries left: reset at the municipal office
	CodeLastTryUnconfirmed failure.Code = "PIN-LAST-TRY"        // one try left and the caller did not confirm spending it
	CodePINFormat          failure.Code = "PIN-FORMAT"          // PIN does not follow its rule; nothing was sent
	CodeFileNotFound       failure.Code = "CARD-FILE-NOT-FOUND" // application or file absent on this card
	CodeSecurityStatus     failure.Code = "CARD-SECURITY"       // the file needs a PIN first
	CodeUnsupportedCard    failure.Code = "CARD-UNSUPPORTED"    // not a My Number card
	CodeNoSignCert         failure.Code = "CARD-NO-SIGN-CERT"   // card holds no signature certificate (e.g. under 15)
	CodeProtocol           failure.Code = "CARD-PROTOCOL"       // malformed response or unexpected status word
	CodeCardData           failure.Code = "CARD-DATA"           // card data could not be parsed
	CodeUnsupportedHash    failure.Code = "CARD-HASH"           // signing with a hash/padding the card cannot do
	CodeCardReset          failure.Code = "CARD-RESET"          // another program reset the card (twice in one operation)
	CodeTimeout            failure.Code = "CARD-TIMEOUT"        // the card, reader or another program's transaction did not end in time
	CodeCancelled                       = failure.Cancelled     // the person (Ctrl-C, closed window) stopped the operation
	CodeReaderChoice       failure.Code = "READER-CHOICE"       // cards in several readers: the caller must say which
	CodeReaderUnknown      failure.Code = "READER-UNKNOWN"      // no reader of the requested name
)

// Codes lists the failure codes the card layer owns.
var Codes = failure.Register("auth/card", CodeCardRemoved, CodeReaderRemoved, CodeNoReader, CodeNoCard,
	CodePCSCUnavailable, CodeWrongPIN, CodePINBlocked, CodeLastTryUnconfirmed, CodePINFormat, CodeFileNotFound,
	CodeSecurityStatus, CodeUnsupportedCard, CodeNoSignCert, CodeProtocol, CodeCardData, CodeUnsupportedHash,
	CodeCardReset, CodeTimeout, CodeReaderChoice, CodeReaderUnknown)

// Data keys of card failures (template data of the texts; never a PIN).
const (
	DataSW        = "SW"        // the status word that caused the failure (hex string)
	DataTriesLeft = "TriesLeft" // tries left, for PIN-WRONG, PIN-LAST-TRY, PIN-BLOCKED
	DataSecret    = "Secret"    // the secret concerned (a Secret as string)
	DataReader    = "Reader"    // the requested reader, for READER-UNKNOWN
	DataReaders   = "Readers"   // the connected readers, comma separated
)

// fail returns a card failure; sw 0 means none.
func fail(code failure.Code, sw uint16, detail string) *failure.Error {
	e := failure.New(code, detail)
	if sw != 0 {
		e.With(DataSW, fmt.Sprintf("%04X", sw))
	}
	return e
}

// secretFailure is a failure about one secret with the tries left.
func secretFailure(code failure.Code, sec Secret, tries int) *failure.Error {
	return failure.New(code, "").With(DataSecret, string(sec)).With(DataTriesLeft, tries)
}

// TriesLeftOf is the tries left carried by a PIN failure (0 when none).
func TriesLeftOf(err error) int { return failure.IntOf(err, DataTriesLeft) }

// SWOf is the status word of a card failure ("" when none), e.g. "63C2".
func SWOf(err error) string { return failure.StringOf(err, DataSW) }

// Sentinels for errors.Is; they match any failure of their code.
var (
	ErrCardRemoved   = &failure.Error{Code: CodeCardRemoved}
	ErrReaderRemoved = &failure.Error{Code: CodeReaderRemoved}
	ErrNoReader      = &failure.Error{Code: CodeNoReader}
	ErrNoCard        = &failure.Error{Code: CodeNoCard}
	ErrPINBlocked    = &failure.Error{Code: CodePINBlocked}
	ErrWrongPIN      = &failure.Error{Code: CodeWrongPIN}
	ErrLastTry       = &failure.Error{Code: CodeLastTryUnconfirmed}
	ErrPINFormat     = &failure.Error{Code: CodePINFormat}
	ErrFileNotFound  = &failure.Error{Code: CodeFileNotFound}
	ErrSecurity      = &failure.Error{Code: CodeSecurityStatus}
	ErrUnsupported   = &failure.Error{Code: CodeUnsupportedCard}
)

// swError maps a non-success status word to a typed error.
func swError(sw uint16, op string) *failure.Error {
	switch {
	case sw&0xFFF0 == 0x63C0:
		n := int(sw & 0x0F)
		if n == 0 {
			return fail(CodePINBlocked, sw, op).With(DataTriesLeft, 0)
		}
		return fail(CodeWrongPIN, sw, op).With(DataTriesLeft, n)
	case sw == mynacard.SWAuthBlocked || sw == mynacard.SWRefDataInvalidated:
		return fail(CodePINBlocked, sw, op)
	case sw == mynacard.SWFileNotFound || sw == mynacard.SWRefDataNotFound:
		return fail(CodeFileNotFound, sw, op)
	case sw == mynacard.SWSecurityNotSatisfied:
		return fail(CodeSecurityStatus, sw, op)
	default:
		return fail(CodeProtocol, sw, op)
	}
}

func dataErr(format string, a ...any) error {
	return failure.Newf(CodeCardData, format, a...)
}

// wireErr gives a protocol/mynacard format error its failure code:
// CARD-PROTOCOL for a malformed response, CARD-DATA for malformed data.
func wireErr(err error) error {
	var fe *mynacard.FormatError
	if !errors.As(err, &fe) {
		return err
	}
	if fe.Response {
		return failure.New(CodeProtocol, fe.Detail)
	}
	return failure.New(CodeCardData, fe.Detail)
}
