//go:build !linux

package live

import (
	"context"
	"errors"
	"io"

	"github.com/zonewarden/zonewarden/internal/capture"
)

// Source is a live capture; it exists on Linux only.
type Source struct{}

// Open reports that live capture needs Linux (AF_PACKET).
func Open(ctx context.Context, iface, filter string) (*Source, error) {
	if _, err := CompileFilter(filter); err != nil {
		return nil, err
	}
	return nil, errors.New("live capture needs Linux (AF_PACKET)")
}

func (*Source) ReadPacket() ([]byte, capture.CaptureInfo, error) {
	return nil, capture.CaptureInfo{}, io.EOF
}
func (*Source) Stats() capture.Stats { return capture.Stats{} }
func (*Source) Close() error         { return nil }
