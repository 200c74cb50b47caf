package cli

import "madoguchi/i18n/failure"

// Failure codes of the command line's own.
const (
	CodeCertExpired     failure.Code = "CERT-EXPIRED"     // a certificate on the card has expired (doctor)
	CodePINMismatch     failure.Code = "PIN-MISMATCH"     // the new PIN was typed differently twice; nothing was sent
	CodeFileUnwritable  failure.Code = "FILE-UNWRITABLE"  // an output file could not be written
	CodePresentDeclined failure.Code = "PRESENT-DECLINED" // the person did not agree to disclose; nothing was sent
)

// Codes lists the command line's failure codes.
var Codes = failure.Register("app/cli", CodeCertExpired, CodePINMismatch, CodeFileUnwritable, CodePresentDeclined)
