// Package demo owns the demo's wiring: fictional residents' cards in an
// in-process reader, the sandbox municipality run in-process with
// throwaway data, and its profile. With -tags nosandbox (a resident's
// build, ADR 0010) it links none of the sandbox and every entry point fails
// with NO-DEMO.
package demo

import (
	"time"

	"madoguchi/i18n/failure"
)

// DemoAdvance is how fast the demo's receipts move on (received → in
// review → completed), so a person trying it sees the status change.
const DemoAdvance = 20 * time.Second

// DemoComplete is how long a demo receipt stays in review before it is
// completed: long enough to try a correction (the intake accepts one
// until the filing is completed; after that the change is made at the
// counter).
const DemoComplete = 15 * time.Minute

// Failure codes of the demo.
const (
	CodeNoDemo     failure.Code = "NO-DEMO"       // this build has no demo or sandbox
	CodeStart      failure.Code = "DEMO-START"    // the in-process sandbox municipality did not start
	CodeNoResident failure.Code = "DEMO-RESIDENT" // no fictional resident of that id
)

// Codes lists the demo's failure codes.
var Codes = failure.Register("app/demo", CodeNoDemo, CodeStart, CodeNoResident)
