//go:build linux

package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/gopacket/gopacket/afpacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/capture"
)

// Ring geometry of the AF_PACKET socket (TPACKET_V3): 16 blocks of 1 MiB. Frames are
// written into blocks back to back, so the frame size only bounds one packet.
const (
	frameSize   = 1 << 16
	blockSize   = 1 << 20
	numBlocks   = 16
	pollTimeout = 200 * time.Millisecond // how often a quiet capture checks for cancellation
)

// Source captures the packets of a network interface through a memory-mapped AF_PACKET
// socket, in promiscuous mode, with the kernel running the BPF filter. It needs
// CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode). It is a capture.Source: the data
// ReadPacket returns is only valid until the next call.
type Source struct {
	ctx   context.Context
	iface string
	tp    *afpacket.TPacket
	stats capture.Stats
}

// Open starts capturing on iface, keeping the packets filter accepts (see
// CompileFilter; "" keeps all). The capture ends when ctx is done: ReadPacket then
// returns io.EOF. The socket belongs to the network namespace of the calling thread.
func Open(ctx context.Context, iface, filter string) (*Source, error) {
	prog, err := CompileFilter(filter)
	if err != nil {
		return nil, err
	}
	if err := checkInterface(iface); err != nil {
		return nil, err
	}
	tp, err := afpacket.NewTPacket(afpacket.OptInterface(iface), afpacket.OptFrameSize(frameSize),
		afpacket.OptBlockSize(blockSize), afpacket.OptNumBlocks(numBlocks), afpacket.OptPollTimeout(pollTimeout),
		afpacket.TPacketVersion3)
	if err != nil {
		return nil, openError(iface, err)
	}
	if prog != nil {
		if err := tp.SetBPF(prog); err != nil {
			tp.Close()
			return nil, fmt.Errorf("capture on %s: set filter: %w", iface, err)
		}
	}
	if err := tp.SetPromiscuous(true); err != nil {
		tp.Close()
		return nil, fmt.Errorf("capture on %s: promiscuous mode: %w", iface, err)
	}
	if err := tp.InitSocketStats(); err != nil {
		tp.Close()
		return nil, fmt.Errorf("capture on %s: %w", iface, err)
	}
	return &Source{ctx: ctx, iface: iface, tp: tp}, nil
}

// checkInterface reports an interface that does not exist as such, with the ones that
// do, before a socket is opened whose error would not say it.
func checkInterface(iface string) error {
	if iface == "" {
		return errors.New("capture: no interface named")
	}
	if _, err := net.InterfaceByName(iface); err == nil {
		return nil
	}
	return fmt.Errorf("capture on %s: no such network interface; %s", iface, interfaceList())
}

// interfaceList names the interfaces of this machine (of the calling thread's network
// namespace).
func interfaceList() string {
	ifs, err := net.Interfaces()
	if err != nil || len(ifs) == 0 {
		return "no network interface could be listed"
	}
	names := make([]string, len(ifs))
	for i, in := range ifs {
		names[i] = in.Name
		if in.Flags&net.FlagUp == 0 {
			names[i] += " (down)"
		}
	}
	return "the interfaces here are: " + strings.Join(names, ", ")
}

// openError says why the socket could not be opened: missing privileges only when
// the system said so (EPERM, EACCES), an interface gone when it said that (ENODEV).
func openError(iface string, err error) error {
	switch {
	case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES):
		return fmt.Errorf("capture on %s: %w (capturing needs CAP_NET_RAW and CAP_NET_ADMIN: run as root or setcap cap_net_raw,cap_net_admin+ep on the binary)", iface, err)
	case errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ENXIO):
		return fmt.Errorf("capture on %s: %w: the interface does not exist (any more); %s", iface, err, interfaceList())
	case errors.Is(err, syscall.ENETDOWN):
		return fmt.Errorf("capture on %s: %w: bring the interface up first (ip link set %s up)", iface, err, iface)
	}
	return fmt.Errorf("capture on %s: %w", iface, err)
}

// ReadPacket returns the next packet, waiting for one; io.EOF once ctx is done.
func (s *Source) ReadPacket() ([]byte, capture.CaptureInfo, error) {
	for {
		if s.ctx.Err() != nil {
			return nil, capture.CaptureInfo{}, io.EOF
		}
		data, ci, err := s.tp.ZeroCopyReadPacketData()
		switch {
		case err == nil:
			s.stats.Packets++
			s.stats.Bytes += uint64(len(data))
			return data, capture.CaptureInfo{Number: s.stats.Packets, Timestamp: ci.Timestamp, CaptureLength: ci.CaptureLength,
				Length: ci.Length, InterfaceIndex: ci.InterfaceIndex, LinkType: layers.LinkTypeEthernet}, nil
		case errors.Is(err, afpacket.ErrTimeout), errors.Is(err, afpacket.ErrPoll):
			continue
		default:
			return nil, capture.CaptureInfo{}, fmt.Errorf("capture on %s: %w", s.iface, err)
		}
	}
}

// Stats counts the packets read; Anomalies are the packets the kernel dropped because
// the ring was full.
func (s *Source) Stats() capture.Stats {
	st := s.stats
	if _, v3, err := s.tp.SocketStats(); err == nil {
		st.Anomalies = uint64(v3.Drops())
	}
	return st
}

// Close releases the socket and its ring.
func (s *Source) Close() error {
	s.tp.Close()
	return nil
}

var _ capture.Source = (*Source)(nil)
