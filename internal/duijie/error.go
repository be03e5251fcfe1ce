package duijie

import (
	"errors"
	"fmt"
)

// Error codes. Every package returns *Error for failures a user can act on;
// the server maps codes to HTTP statuses in one place.
const (
	EINVALID   = "invalid"      // bad input: Message says what, in Chinese
	ENOTFOUND  = "not_found"    // missing, or not visible to the caller
	ECONFLICT  = "conflict"     // the write clashes with the current state
	EFORBIDDEN = "forbidden"    // the caller may not do this
	EINTERNAL  = "internal"     // a defect or an outage
	ETOOMANY   = "rate_limited" // too many attempts: the server answers 429
)

// Error is a domain error: a code and a message fit to show the user.
type Error struct {
	Code    string
	Message string
	// Fields holds a Chinese message per input field (EINVALID), for
	// forms to show next to the field.
	Fields map[string]string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err's *Error, EINTERNAL for any other
// error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
