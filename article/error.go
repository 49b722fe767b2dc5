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

// ErrUnavailable is wrapped by the errors of a store whose backing service
// cannot be reached (PostgreSQL down or restarting): Code gives
// EUNAVAILABLE for them, a 503 that says to try again.
var ErrUnavailable = errors.New("article: the database is unavailable")

// Code returns the code of an application error, EUNAVAILABLE for an
// error wrapping ErrUnavailable, EINTERNAL for any other error and "" for
// nil.
func Code(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	} else if errors.Is(err, ErrUnavailable) {
		return EUNAVAILABLE
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
	} else if errors.Is(err, ErrUnavailable) {
		return "The database is unavailable; try again in a moment."
	}
	return "Internal error."
}
