package gui

import "madoguchi/i18n/failure"

// Failure codes of the window's own.
const (
	CodeStart          failure.Code = "GUI-START"       // the window system failed while starting
	CodeProfileInvalid failure.Code = "PROFILE-INVALID" // a municipality profile file chosen at first start is not usable
)

// Codes lists the window's failure codes.
var Codes = failure.Register("app/gui", CodeStart, CodeProfileInvalid)
