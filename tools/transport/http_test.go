package transport

import (
	"net/http"
	"testing"
	"time"
)

func TestHTTPServerTimeouts(t *testing.T) {
	hs := NewHTTPServer(http.NotFoundHandler(), HTTPOptions{})
	if hs.ReadHeaderTimeout <= 0 || hs.ReadHeaderTimeout > 30*time.Second {
		t.Errorf("ReadHeaderTimeout %v", hs.ReadHeaderTimeout)
	}
	if hs.IdleTimeout <= 0 || hs.IdleTimeout > 5*time.Minute {
		t.Errorf("IdleTimeout %v", hs.IdleTimeout)
	}
	if hs.ReadTimeout <= 0 {
		t.Errorf("ReadTimeout %v", hs.ReadTimeout)
	}
	if hs.WriteTimeout < 5*time.Minute {
		t.Errorf("WriteTimeout %v is shorter than a video carousel may take", hs.WriteTimeout)
	}
	hs = NewHTTPServer(http.NotFoundHandler(), HTTPOptions{ReadHeaderTimeout: time.Second, IdleTimeout: 2 * time.Second})
	if hs.ReadHeaderTimeout != time.Second || hs.IdleTimeout != 2*time.Second {
		t.Errorf("overrides ignored: %v %v", hs.ReadHeaderTimeout, hs.IdleTimeout)
	}
}
