package sink

import (
	"errors"
	"time"
)

// permanentError marks a delivery error that retrying cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that the sink gives up on the alert at once instead of
// retrying: a webhook's 4xx answer, a message too large for a datagram.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err, or an error it wraps, was marked Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// retryAfterError asks the sink to wait at least d before the next attempt.
type retryAfterError struct {
	err error
	d   time.Duration
}

func (e retryAfterError) Error() string { return e.err.Error() }
func (e retryAfterError) Unwrap() error { return e.err }

// RetryAfter wraps err with the delay the destination asked for (HTTP Retry-After);
// the sink waits at least that long, within its retry policy's maximum delay.
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return retryAfterError{err, d}
}

func retryAfter(err error) time.Duration {
	var r retryAfterError
	if errors.As(err, &r) {
		return r.d
	}
	return 0
}
