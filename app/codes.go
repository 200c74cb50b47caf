package app

import "madoguchi/i18n/failure"

// Failure codes of the app's own (start-up, profile import, doctor).
const (
	CodeGUIStart       failure.Code = "GUI-START"       // the window system failed while starting
	CodeProfileInvalid failure.Code = "PROFILE-INVALID" // a municipality profile file is not usable
	CodeNoDemo         failure.Code = "NO-DEMO"         // this build has no demo or sandbox
	CodeCertExpired    failure.Code = "CERT-EXPIRED"    // a certificate on the card has expired (doctor)
)

// Codes lists the codes the app owns.
var Codes = failure.Register("app", CodeGUIStart, CodeProfileInvalid, CodeNoDemo, CodeCertExpired)
