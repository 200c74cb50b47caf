// Package failure owns the one failure type of Madoguchi: a stable code, the
// key of its texts in the i18n catalogue, template data for those texts and
// the wrapped cause. Every package reports what a person may meet with it;
// the CLI and the GUI explain it (i18n.Localizer.Explain) with the same
// title, cause and action in every language.
//
// It imports nothing of the project so that protocol/, auth/, store/ and the
// rest can all use it. Each package registers its codes (Register), so one
// test can check that every code is explained in every shipped language.
package failure

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Code is a stable failure code (e.g. CARD-REMOVED). A code never changes
// meaning once released: the catalogue (failure.<code>.title/.cause/.action),
// logs and support conversations refer to it.
type Code string

// Codes every boundary may produce.
const (
	// Unknown is what a boundary shows for an error that carries no code. It
	// is a defect: tests fail when one reaches the CLI or the GUI.
	Unknown Code = "UNKNOWN"
	// Cancelled means the person stopped the operation (Ctrl-C, a closed
	// window, Cancel in a dialog).
	Cancelled Code = "CANCELLED"
)

// Error is a failure a person may meet. Data is template data for the texts
// and is shown to people: it never holds a PIN, a password, a token or a My
// Number. Detail is for engineers (protocol facts, never personal data).
type Error struct {
	Code Code
	// Key is the catalogue key of the texts; "" means "failure.<Code>".
	Key    string
	Data   map[string]any
	Detail string
	Err    error
}

// New returns a failure with an engineer's detail.
func New(code Code, detail string) *Error { return &Error{Code: code, Detail: detail} }

// Newf is New with a format.
func Newf(code Code, format string, a ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, a...)}
}

// Wrap returns a failure caused by err (nil when err is nil).
func Wrap(code Code, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err}
}

// With returns e with data[k] = v (e is changed and returned).
func (e *Error) With(k string, v any) *Error {
	if e.Data == nil {
		e.Data = map[string]any{}
	}
	e.Data[k] = v
	return e
}

// MessageKey is the catalogue key of the texts: <key>.title, .cause, .action.
func (e *Error) MessageKey() string {
	if e.Key != "" {
		return e.Key
	}
	return "failure." + string(e.Code)
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if len(e.Data) > 0 {
		keys := slices.Sorted(maps.Keys(e.Data))
		b.WriteString(" (")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s=%v", k, e.Data[k])
		}
		b.WriteString(")")
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches a sentinel of the same code: errors.Is(err, card.ErrCardRemoved)
// holds for any CARD-REMOVED failure. A target with detail, data or a cause
// is not a sentinel and matches only itself.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Detail == "" && t.Err == nil && len(t.Data) == 0
}

// As returns the outermost failure in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// CodeOf returns the code of the outermost failure in err, or "".
func CodeOf(err error) Code {
	if e, ok := As(err); ok {
		return e.Code
	}
	return ""
}

// DataOf returns data[k] of the outermost failure in err, or nil.
func DataOf(err error, k string) any {
	if e, ok := As(err); ok {
		return e.Data[k]
	}
	return nil
}

// IntOf is DataOf for an integer (0 when absent).
func IntOf(err error, k string) int {
	n, _ := DataOf(err, k).(int)
	return n
}

// StringOf is DataOf for a string ("" when absent).
func StringOf(err error, k string) string {
	s, _ := DataOf(err, k).(string)
	return s
}

// From is what a boundary explains: the failure in err, a CANCELLED one for
// a cancelled context, or an UNKNOWN one (a defect) wrapping an uncoded err.
func From(err error) *Error {
	if e, ok := As(err); ok {
		return e
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Code: Cancelled, Err: err}
	}
	return &Error{Code: Unknown, Err: err}
}

var (
	mu       sync.Mutex
	registry = map[Code]string{Cancelled: "failure", Unknown: "failure"}
)

// Register records codes owned by a package (each package calls it in a
// package-level var) and returns them. A code registered by two owners
// panics at start-up: codes are unique.
func Register(owner string, codes ...Code) []Code {
	mu.Lock()
	defer mu.Unlock()
	for _, c := range codes {
		if o, ok := registry[c]; ok && o != owner {
			panic(fmt.Sprintf("failure: code %s registered by %s and %s", c, o, owner))
		}
		registry[c] = owner
	}
	return codes
}

// Registered lists every registered code, sorted.
func Registered() []Code {
	mu.Lock()
	defer mu.Unlock()
	out := slices.Collect(maps.Keys(registry))
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// IsRegistered tells whether some package owns code.
func IsRegistered(code Code) bool {
	mu.Lock()
	defer mu.Unlock()
	_, ok := registry[code]
	return ok
}
