package auth

import (
	"io"
	"log"
)

// discardLog keeps net/http's server error log (TLS handshake noise from a
// browser distrusting the self-signed certificate) off stdout and stderr.
func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }
