package article

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in the server.
const (
	EINVALID     = "invalid"      // 400
	ENOTFOUND    = "not_found"    // 404
	ECONFLICT    = "conflict"     // 409
	ETOOLARGE    = "too_large"    // 413
	EUNSUPPORTED = "unsupported"  // 415
	EUNAUTH      = "unauthorized" // 401
	EFORBIDDEN   = "forbidden"    // 403
	ETOOMANY     = "too_many"     // 429
	EUNAVAILABLE = "unavailable"  // 503: a backing service (the database) is down; try again
	EINTERNAL    = "internal"     // 500
)

// Error is an application error: a code and a message meant for the user.
// Any other error is internal, and its details are for the operator's log.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an application error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Code returns the code of an application error, EINTERNAL for any other
// error and "" for nil.
func Code(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Message returns the user-facing message of an application error and
// "Internal error." for any other error.
func Message(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
